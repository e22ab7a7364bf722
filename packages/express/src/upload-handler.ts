import type { ServerResponse } from 'node:http';
import { PassThrough, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortError, ConnectionError, type PipeOptions, type RocketRide, ValidationError } from 'rocketride-streams';
import { ByteLimit, payloadTooLarge } from './byte-limit.js';
import { type NextLike, sendError, sendJson } from './respond.js';
import { contentLengthOf, mimeTypeOf, nameOf, type RequestLike } from './request-info.js';

/** What `uploadHandler` needs from the client: `rocketride.pipe()` and `isConnected()`. */
export type UploadClient = Pick<RocketRide, 'pipe' | 'isConnected'>;

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
   * Largest accepted body, in bytes. A larger `Content-Length` is refused with 413 before a pipe is
   * opened; a body without one is counted as it streams, and the chunk that crosses the limit
   * destroys the pipe (never closed, so nothing is committed) and is answered 413. Default: no limit.
   */
  limit?: number;
  /** The object name. Default: the `X-File-Name` header (percent-decoded), else `?name=`, else the engine's default. */
  name?: (req: Req) => string | undefined;
  /** The MIME type, which selects the engine lane. Default: `Content-Type` without parameters, else guessed from the name. */
  mimeType?: (req: Req) => string | undefined;
  /**
   * Further options for each pipe (`maxWriteBytes`, `highWaterMark`, `onProgress`…), per request.
   * `name`, `mimeType`, `size` and `signal` are set by the handler. Default: none.
   */
  pipeOptions?: (req: Req) => Omit<PipeOptions, 'signal'>;
}

/** A route handler for Express 4 and 5 (and plain `node:http`). */
export type UploadRequestHandler<Req extends RequestLike = RequestLike> = (req: Req, res: ServerResponse, next?: NextLike) => void;

/**
 * A route handler that streams the request body into a new pipe on the task (`req` →
 * `rocketride.pipe(token)`) and answers `200` with the engine's result as JSON once the engine
 * committed the object.
 *
 * Failures are answered `{ error: { code, message } }`: 400 bad input, 413 over `limit`, 502 engine
 * failure, 503 engine not connected, 504 timeout (see `httpStatusOf`). A client that disconnects
 * before its body ended destroys the pipe: `close` is never sent, the object is never committed, and
 * nothing is answered (there is nobody to answer).
 */
export function uploadHandler<Req extends RequestLike = RequestLike>(
  rocketride: UploadClient,
  options: UploadHandlerOptions<Req>,
): UploadRequestHandler<Req> {
  const resolveToken = tokenResolver<Req>(options);
  const limit = checkLimit(options.limit);
  const nameFor = options.name ?? nameOf;
  const mimeTypeFor = options.mimeType ?? mimeTypeOf;

  return (req, res, next) => {
    handle(req, res).catch((error: unknown) => sendError(res, error, next));
  };

  async function handle(req: Req, res: ServerResponse): Promise<void> {
    if (!rocketride.isConnected()) {
      throw new ConnectionError('The RocketRide engine is not connected', { code: 'ERR_NOT_CONNECTED' });
    }
    const size = contentLengthOf(req);
    if (size !== undefined && size > limit) {
      // Refused before reading the body or opening a pipe; the connection is not reused.
      sendError(res, payloadTooLarge(limit), undefined, true);
      return;
    }
    const token = await resolveToken(req);
    const upload = new Upload(req, res);
    const pipeOptions: PipeOptions = { ...options.pipeOptions?.(req), signal: upload.signal };
    const name = nameFor(req);
    const mimeType = mimeTypeFor(req);
    if (name !== undefined) pipeOptions.name = name;
    if (mimeType !== undefined) pipeOptions.mimeType = mimeType;
    if (size !== undefined) pipeOptions.size = size;

    const sink = rocketride.pipe(token, pipeOptions);
    const meter: Transform = Number.isFinite(limit) ? new ByteLimit(limit) : new PassThrough();
    const done = pipeline(meter, sink);
    req.pipe(meter);
    try {
      await done;
      const result = await sink.result;
      upload.release();
      if (!upload.clientGone) sendJson(res, 200, result);
    } catch (error) {
      upload.release();
      if (upload.clientGone) return;
      // The body was not read to its end: answer, then let the connection go.
      req.unpipe(meter);
      req.resume();
      sendError(res, error, undefined, !req.complete);
    }
  }
}

/** Watches one request for its client going away before the body ended. */
class Upload {
  readonly #ctl = new AbortController();
  readonly #req: RequestLike;
  readonly #res: ServerResponse;
  clientGone = false;

  readonly #onGone = (): void => {
    if (this.clientGone) return;
    this.clientGone = true;
    if (!this.#req.complete) {
      this.#ctl.abort(new AbortError('The client disconnected before the upload ended; the object was not committed', { code: 'ERR_CLIENT_DISCONNECTED' }));
    }
  };
  readonly #onReqClose = (): void => {
    if (!this.#req.complete) this.#onGone();
  };
  readonly #onResClose = (): void => {
    if (!this.#res.writableFinished) this.#onGone();
  };

  constructor(req: RequestLike, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
    req.on('error', this.#onGone);
    req.on('close', this.#onReqClose);
    res.on('close', this.#onResClose);
  }

  get signal(): AbortSignal {
    return this.#ctl.signal;
  }

  release(): void {
    this.#req.off('error', this.#onGone);
    this.#req.off('close', this.#onReqClose);
    this.#res.off('close', this.#onResClose);
  }
}

function tokenResolver<Req extends RequestLike>(options: UploadHandlerOptions<Req>): (req: Req) => Promise<string> {
  const { token, resolveToken } = options ?? {};
  if ((token === undefined) === (resolveToken === undefined)) {
    throw new ValidationError('uploadHandler needs exactly one of `token` and `resolveToken`', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (resolveToken) return async (req) => resolveToken(req);
  if (typeof token !== 'string' || token.length === 0) {
    throw new ValidationError('uploadHandler: `token` must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
  }
  return async () => token;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
    throw new ValidationError('uploadHandler: `limit` must be a number of bytes (0 or more)', { code: 'ERR_INVALID_ARGUMENT' });
  }
  return limit;
}
