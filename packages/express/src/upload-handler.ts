import type { ServerResponse } from 'node:http';
import { type PipeOptions, ValidationError } from 'rocketride-streams';
import { ERR_CLIENT_DISCONNECTED } from './codes.js';
import { type MultipartOptions, receive, resolveUploadOptions } from './receive-upload.js';
import type { RequestLike } from './request-info.js';
import { type NextLike, sendError, sendJson } from './respond.js';
import type { UploadClient } from './upload-client.js';

export type { UploadClient } from './upload-client.js';

/** Options of {@link uploadHandler}. Give exactly one of `token` and `resolveToken`. */
export interface UploadHandlerOptions<Req extends RequestLike = RequestLike> {
  /** The task token of the running pipeline every upload goes to. */
  token?: string;
  /**
   * Picks the task token per request (from a route parameter, the user's session…). A thrown
   * `RocketRideError` is answered with its mapped status; any other error goes to `next(error)`.
   */
  resolveToken?: (req: Req) => string | Promise<string>;
  /**
   * Largest accepted body, in bytes (for a form, the whole body). A larger `Content-Length` is refused
   * with 413 before a pipe is opened; a body without one is counted as it streams, and the chunk that
   * crosses the limit destroys the pipe (never closed, so nothing is committed) and is answered 413.
   * Default: no limit.
   */
  limit?: number;
  /** The object name of a plain body. Default: the `X-File-Name` header (percent-decoded), else `?name=`, else the engine's default. */
  name?: (req: Req) => string | undefined;
  /** The MIME type of a plain body, which selects the engine lane. Default: `Content-Type` without parameters, else guessed from the name. */
  mimeType?: (req: Req) => string | undefined;
  /**
   * Further options for each pipe (`maxWriteBytes`, `highWaterMark`, `onProgress`…), per request.
   * `name`, `mimeType`, `size` and `signal` are set by the handler. Default: none.
   */
  pipeOptions?: (req: Req) => Omit<PipeOptions, 'signal'>;
  /** Limits of `multipart/form-data` uploads: `maxFiles` (default 10), `maxFileSize` (default none). */
  multipart?: MultipartOptions;
}

/** A route handler for Express 4 and 5 (and plain `node:http`). */
export type UploadRequestHandler<Req extends RequestLike = RequestLike> = (req: Req, res: ServerResponse, next?: NextLike) => void;

/**
 * A route handler that streams the request body into a new pipe on the task (`req` →
 * `rocketride.pipe(token)`) and answers `200` with the engine's result as JSON once the engine
 * committed the object. A `multipart/form-data` form (a browser's `<form>`, `FormData`) puts each
 * file into its own pipe instead and answers `200` with `[{ field, name, mimeType, size, result }]`,
 * one entry per file (needs the optional peer `busboy`).
 *
 * Failures are answered `{ error: { code, message } }` (plus `files` for a form): 400 bad input or a
 * body that differs from its `Content-Length`, 404 a token with no running task, 413 over a limit,
 * 415 a form without busboy, 500 a body another middleware already read, 502 engine failure, 503
 * engine not connected, 504 timeout (see `httpStatusOf`). Nothing is committed for a body that did not arrive whole: its pipe is
 * destroyed, never closed. A client that disconnects before its body ended is not answered (there
 * is nobody to answer).
 */
export function uploadHandler<Req extends RequestLike = RequestLike>(client: UploadClient, options: UploadHandlerOptions<Req>): UploadRequestHandler<Req>;
/**
 * The same, with the token (or a function of the request that picks it) as the second argument, as in
 * `sseHandler(rocketride, token, options?)`: `uploadHandler(rocketride, token, { limit })`.
 */
export function uploadHandler<Req extends RequestLike = RequestLike>(
  client: UploadClient,
  token: string | ((req: Req) => string | Promise<string>),
  options?: Omit<UploadHandlerOptions<Req>, 'token' | 'resolveToken'>,
): UploadRequestHandler<Req>;
export function uploadHandler<Req extends RequestLike = RequestLike>(
  client: UploadClient,
  tokenOrOptions: string | ((req: Req) => string | Promise<string>) | UploadHandlerOptions<Req>,
  more?: Omit<UploadHandlerOptions<Req>, 'token' | 'resolveToken'>,
): UploadRequestHandler<Req> {
  const options = handlerOptions(tokenOrOptions, more);
  const { token, resolveToken, ...rest } = options ?? {};
  if ((token === undefined) === (resolveToken === undefined)) {
    throw new ValidationError('uploadHandler needs exactly one of `token` and `resolveToken`', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (resolveToken === undefined && (typeof token !== 'string' || token.length === 0)) {
    throw new ValidationError('uploadHandler: `token` must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const resolved = resolveUploadOptions<Req>({ ...rest, token: resolveToken ?? (token as string) });

  return (req, res, next) => {
    // The client half-closed with its body short: Node destroys the socket right after, so answer now.
    const answerNow = (error: unknown): void => sendError(res, error, undefined, true);
    receive(client, req, resolved, answerNow).then(
      (outcome) => sendJson(res, 200, outcome.kind === 'body' ? outcome.result : outcome.files),
      (error: unknown) => {
        if ((error as { code?: unknown })?.code === ERR_CLIENT_DISCONNECTED) return; // nobody to answer
        // A body that was not read to its end is drained, not reused: let this connection go.
        sendError(res, error, next, !req.complete);
      },
    );
  };
}

/** The options object of either call form; a token given both ways, or options after an options object, are refused. */
function handlerOptions<Req extends RequestLike>(
  tokenOrOptions: string | ((req: Req) => string | Promise<string>) | UploadHandlerOptions<Req>,
  more: Omit<UploadHandlerOptions<Req>, 'token' | 'resolveToken'> | undefined,
): UploadHandlerOptions<Req> {
  if (typeof tokenOrOptions !== 'string' && typeof tokenOrOptions !== 'function') {
    if (more !== undefined) {
      throw new ValidationError('uploadHandler takes (rocketride, token, options?) or (rocketride, options): options after an options object', { code: 'ERR_INVALID_ARGUMENT' });
    }
    return tokenOrOptions;
  }
  if (more !== undefined && (typeof more !== 'object' || more === null)) {
    throw new ValidationError('uploadHandler: options must be an object', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (more !== undefined && ('token' in more || 'resolveToken' in more)) {
    throw new ValidationError('uploadHandler: the token is the second argument here; give no `token` or `resolveToken` in the options', { code: 'ERR_INVALID_ARGUMENT' });
  }
  return typeof tokenOrOptions === 'string' ? { ...more, token: tokenOrOptions } : { ...more, resolveToken: tokenOrOptions };
}
