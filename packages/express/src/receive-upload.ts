import { pipeline } from 'node:stream/promises';
import { type PipelineResult, type PipeOptions, readArgument, type RocketRideError, ValidationError } from 'rocketride-streams';
import { guardBody, precheckBody } from './body-guard.js';
import type { ByteMeter } from './byte-meter.js';
import { loadBusboy } from './load-busboy.js';
import { receiveForm } from './multipart-upload.js';
import type { UploadOutcome } from './outcome.js';
import { mimeTypeOf, nameOf, type RequestLike } from './request-info.js';
import type { UploadClient } from './upload-client.js';

/** Limits of a `multipart/form-data` upload. */
export interface MultipartOptions {
  /** Most file parts in one form; one more fails the upload with `ERR_TOO_MANY_FILES` (413). Default 10. */
  maxFiles?: number;
  /**
   * Largest file, in bytes; the chunk that crosses it destroys that file's pipe and fails the upload
   * with `ERR_FILE_TOO_LARGE` (413). Default: no limit but `limit`, which counts the whole body.
   */
  maxFileSize?: number;
}

/** What {@link receiveUpload} takes. */
export interface ReceiveUploadOptions<Req extends RequestLike = RequestLike> {
  /** The task token, or a function of the request giving it (called once the request passed the checks). */
  token: string | ((req: Req) => string | Promise<string>);
  /**
   * Largest accepted body, in bytes (for a form: the whole body, envelope included). A larger
   * `Content-Length` is refused with 413 before a pipe is opened; otherwise bytes are counted as they
   * stream, and the chunk that crosses the limit destroys the pipe (never closed). Default: no limit.
   */
  limit?: number;
  /** The object name of a plain body. Default: the `X-File-Name` header (percent-decoded), else `?name=`. */
  name?: (req: Req) => string | undefined;
  /** The MIME type of a plain body. Default: `Content-Type` without parameters. */
  mimeType?: (req: Req) => string | undefined;
  /** Further options for every pipe (`maxWriteBytes`, `onProgress`…). Default: none. */
  pipeOptions?: (req: Req) => Omit<PipeOptions, 'signal'>;
  /** Limits of `multipart/form-data` uploads. */
  multipart?: MultipartOptions;
  /**
   * Called synchronously when the client half-closed the connection before the body was complete
   * (`ERR_CONTENT_LENGTH_MISMATCH`, `ERR_BODY_INCOMPLETE`). Node destroys the socket right after, so
   * answer here to reach the client; the upload then rejects with the same error.
   */
  onBodyIncomplete?: (error: RocketRideError) => void;
}

/** {@link ReceiveUploadOptions} checked once, with their defaults. */
export interface ResolvedUploadOptions<Req extends RequestLike> {
  token: (req: Req) => Promise<string>;
  limit: number;
  name: (req: Req) => string | undefined;
  mimeType: (req: Req) => string | undefined;
  pipeOptions: ((req: Req) => Omit<PipeOptions, 'signal'>) | undefined;
  maxFiles: number;
  maxFileSize: number;
}

/**
 * Streams a request into the engine, without answering it (for frameworks with their own responses,
 * such as Nest; `uploadHandler` answers for Express and `node:http`):
 *
 * - a plain body goes into one pipe (`name`, `mimeType`, `Content-Length` as `size`) → `{ kind: 'body', result }`;
 * - a `multipart/form-data` form puts each file into its own pipe → `{ kind: 'multipart', files }`
 *   (needs the optional peer `busboy`).
 *
 * Before anything is opened on the engine, it refuses a body another middleware already read
 * (`ERR_BODY_CONSUMED`), an engine that is not connected (`ERR_NOT_CONNECTED`), a `Content-Length`
 * over `limit` (`ERR_PAYLOAD_TOO_LARGE`) and a form when busboy is not installed
 * (`ERR_MULTIPART_UNSUPPORTED`). A body whose byte count differs from its `Content-Length`, or which
 * the client cut, is never committed: its pipe is destroyed, never closed. Rejections are
 * `RocketRideError`s; see `httpStatusOf` for their HTTP statuses.
 */
export function receiveUpload<Req extends RequestLike>(client: UploadClient, req: Req, options: ReceiveUploadOptions<Req>): Promise<UploadOutcome> {
  let resolved: ResolvedUploadOptions<Req>;
  try {
    resolved = resolveUploadOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return receive(client, req, resolved, options.onBodyIncomplete);
}

/** Receives one request with options resolved beforehand (by `uploadHandler`, once). */
export async function receive<Req extends RequestLike>(
  client: UploadClient,
  req: Req,
  options: ResolvedUploadOptions<Req>,
  onIncomplete?: (error: RocketRideError) => void,
): Promise<UploadOutcome> {
  const { limit } = options;
  const declared = precheckBody(client, req, limit);
  const token = await options.token(req);
  const busboy = isForm(req) ? await loadBusboy() : undefined;
  const pipeOptions = { ...options.pipeOptions?.(req) };
  // The sink reports an abort as its own AbortError; the reason (client gone, body short) says more. A form
  // keeps its own error, which lists what became of each file.
  return guardBody(req, { limit, declared, onIncomplete, preferReason: !busboy }, async (meter, signal): Promise<UploadOutcome> => {
    if (busboy) {
      const { maxFiles, maxFileSize } = options;
      const files = await receiveForm({ client, token, req, meter, signal, pipeOptions, maxFiles, maxFileSize, busboy });
      return { kind: 'multipart', files };
    }
    const name = options.name(req);
    const mimeType = options.mimeType(req);
    const opts: PipeOptions = { ...pipeOptions, signal };
    if (name !== undefined) opts.name = name;
    if (mimeType !== undefined) opts.mimeType = mimeType;
    if (declared !== undefined) opts.size = declared;
    return { kind: 'body', result: await receiveBody(client, token, req, meter, opts) };
  });
}

/** Streams the body (through `meter`) into one pipe; resolves once the engine committed it. */
async function receiveBody(client: UploadClient, token: string, req: RequestLike, meter: ByteMeter, options: PipeOptions): Promise<PipelineResult> {
  const sink = client.pipe(token, options);
  const done = pipeline(meter, sink);
  req.pipe(meter);
  await done;
  return sink.result;
}

function isForm(req: RequestLike): boolean {
  return mimeTypeOf(req) === 'multipart/form-data';
}

export function resolveUploadOptions<Req extends RequestLike>(options: ReceiveUploadOptions<Req>): ResolvedUploadOptions<Req> {
  // Copied once: a getter or Proxy trap that throws is refused (coded) before the body is touched.
  if (typeof options === 'object' && options !== null) options = readArgument('upload options', () => ({ ...options }));
  let { token, multipart = {} } = options ?? ({} as ReceiveUploadOptions<Req>);
  let resolveToken: (req: Req) => Promise<string>;
  if (typeof token === 'function') resolveToken = async (req) => token(req);
  else if (typeof token === 'string' && token.length > 0) resolveToken = async () => token;
  else throw invalid('`token` must be a non-empty string or a function of the request');
  if (typeof multipart !== 'object' || multipart === null) throw invalid('`multipart` must be an object');
  multipart = readArgument('upload options: multipart', () => ({ ...multipart }));
  // Called when the body ends early: a non-function would fail there, after the upload started.
  if (options.onBodyIncomplete !== undefined && typeof options.onBodyIncomplete !== 'function') throw invalid('`onBodyIncomplete` must be a function');
  return {
    token: resolveToken,
    limit: bytes('limit', options.limit, Number.POSITIVE_INFINITY, 0),
    name: fn('name', options.name) ?? nameOf,
    mimeType: fn('mimeType', options.mimeType) ?? mimeTypeOf,
    pipeOptions: fn('pipeOptions', options.pipeOptions),
    maxFiles: count('multipart.maxFiles', multipart.maxFiles, 10),
    maxFileSize: bytes('multipart.maxFileSize', multipart.maxFileSize, Number.POSITIVE_INFINITY, 1),
  };
}

function bytes(what: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw invalid(`\`${what}\` must be a number of bytes (${min} or more)`);
  }
  return value;
}

function fn<F>(what: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(`\`${what}\` must be a function of the request`);
  return value;
}

function count(what: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(`\`${what}\` must be a whole number, 1 or more`);
  return value as number;
}

function invalid(message: string): ValidationError {
  return new ValidationError(`upload options: ${message}`, { code: 'ERR_INVALID_ARGUMENT' });
}
