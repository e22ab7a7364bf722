import { pipeline } from 'node:stream/promises';
import { readArgument, type RocketRideError, type StoreWriteStream, ValidationError } from 'rocketride-streams';
import { guardBody, precheckBody } from './body-guard.js';
import { ERR_CLIENT_DISCONNECTED } from './codes.js';
import type { RequestLike } from './request-info.js';
import { sendError, sendJson } from './respond.js';
import type { StoreClient } from './store-client.js';
import type { UploadRequestHandler } from './upload-handler.js';

/** Options of {@link storeUploadHandler} and {@link receiveStoreUpload}. */
export interface StoreUploadOptions<Req extends RequestLike = RequestLike> {
  /**
   * The store path to write, per request (e.g. `(req) => \`uploads/${req.params.name}\``). It is checked with the
   * engine's rules (no `..` segment, none of `* ? < > | " :`) before anything is sent: a bad one is 400. A thrown
   * `RocketRideError` is answered with its status; any other error goes to `next(error)`.
   */
  path: (req: Req) => string | Promise<string>;
  /** Replace a file that exists (default true). With false, an existing file is 409 `ERR_STORE_EXISTS`, before a byte is sent. */
  overwrite?: boolean;
  /**
   * Largest accepted body, in bytes. A larger `Content-Length` is refused with 413 before anything is opened; a body
   * without one is counted as it streams, and the chunk that crosses the limit fails the write (nothing is written
   * at the path) with 413. Default: no limit.
   */
  limit?: number;
}

/** What {@link receiveStoreUpload} takes: the options, plus the last moment to answer a body cut short. */
export interface ReceiveStoreUploadOptions<Req extends RequestLike = RequestLike> extends StoreUploadOptions<Req> {
  /**
   * Called synchronously when the client half-closed the connection before the body was complete
   * (`ERR_CONTENT_LENGTH_MISMATCH`, `ERR_BODY_INCOMPLETE`). Node destroys the socket right after, so answer here
   * to reach the client; the upload then rejects with the same error.
   */
  onBodyIncomplete?: (error: RocketRideError) => void;
}

/** A file the store now holds: its path (normalised, as the engine names it) and its size in bytes. */
export interface StoredFile {
  path: string;
  size: number;
}

interface ResolvedStoreUpload<Req extends RequestLike> {
  path: (req: Req) => string | Promise<string>;
  overwrite: boolean;
  limit: number;
}

/**
 * A route handler that streams the request body into a file of the engine's store
 * (`rocketride.store.createWriteStream(path, { overwrite })`, with backpressure: one `fs_write` in flight) and
 * answers `200` `{ path, size }` once the file is in place. The write is atomic: the bytes go to a temporary file
 * in the same folder, renamed onto the path only when the whole body arrived, so a failed upload leaves nothing at
 * the path and the old content intact, and its temporary file is deleted before the failure is answered.
 *
 * The body is stored as it is, whatever its `Content-Type` (a `multipart/form-data` form is not taken apart).
 * Failures are answered `{ error: { code, message } }` as `uploadHandler`'s: 400 a bad path or a body that differs
 * from its `Content-Length`, 404 `ERR_STORE_NOT_FOUND`, 409 `ERR_STORE_EXISTS` / `ERR_STORE_LOCKED` /
 * `ERR_STORE_IS_DIRECTORY`, 413 over `limit`, 500 a body another middleware already read, 503 engine not
 * connected or `ERR_STORE_HANDLES` (see `httpStatusOf`). A client that disconnects before its body ended is not
 * answered.
 */
export function storeUploadHandler<Req extends RequestLike = RequestLike>(
  rocketride: StoreClient,
  options: StoreUploadOptions<Req>,
): UploadRequestHandler<Req> {
  const resolved = resolveStoreUpload(options);
  return (req, res, next) => {
    // The client half-closed with its body short: Node destroys the socket right after, so answer now.
    const answerNow = (error: unknown): void => sendError(res, error, undefined, true);
    receiveStore(rocketride, req, resolved, answerNow).then(
      (stored) => sendJson(res, 200, stored),
      (error: unknown) => {
        if ((error as { code?: unknown })?.code === ERR_CLIENT_DISCONNECTED) return; // nobody to answer
        // A body that was not read to its end is drained, not reused: let this connection go.
        sendError(res, error, next, !req.complete);
      },
    );
  };
}

/**
 * The same streaming, checks and codes as {@link storeUploadHandler}, without answering (for frameworks with their
 * own responses): resolves to `{ path, size }` once the file is in place, rejects with a `RocketRideError` (see
 * `httpStatusOf` for its status) after the temporary file is gone.
 */
export function receiveStoreUpload<Req extends RequestLike>(rocketride: StoreClient, req: Req, options: ReceiveStoreUploadOptions<Req>): Promise<StoredFile> {
  let resolved: ResolvedStoreUpload<Req>;
  try {
    resolved = resolveStoreUpload(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return receiveStore(rocketride, req, resolved, options.onBodyIncomplete);
}

async function receiveStore<Req extends RequestLike>(
  rocketride: StoreClient,
  req: Req,
  options: ResolvedStoreUpload<Req>,
  onIncomplete: ((error: RocketRideError) => void) | undefined,
): Promise<StoredFile> {
  const { limit, overwrite } = options;
  const declared = precheckBody(rocketride, req, limit);
  const path = await options.path(req);
  return guardBody(req, { limit, declared, onIncomplete }, async (meter, signal) => {
    // Checks the path before anything is sent (ValidationError, 400).
    const sink = rocketride.store.createWriteStream(path, { overwrite, signal });
    try {
      const done = pipeline(meter, sink);
      req.pipe(meter);
      await done;
    } catch (error) {
      await closed(sink); // the temporary file is deleted by then
      throw error;
    }
    return { path: sink.path, size: sink.bytesWritten };
  });
}

function closed(sink: StoreWriteStream): Promise<void> {
  if (sink.closed) return Promise.resolve();
  return new Promise((resolve) => sink.once('close', () => resolve()));
}

function resolveStoreUpload<Req extends RequestLike>(options: StoreUploadOptions<Req>): ResolvedStoreUpload<Req> {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object with `path`');
  const { path, overwrite = true, limit = Number.POSITIVE_INFINITY, onBodyIncomplete } = readArgument('storeUploadHandler: options', () => ({ ...options }) as ReceiveStoreUploadOptions<Req>);
  if (typeof path !== 'function') throw invalid('`path` must be a function of the request');
  if (typeof overwrite !== 'boolean') throw invalid('`overwrite` must be a boolean');
  // A fraction is no number of bytes (the body would be cut mid-byte-count): refused with the rest.
  if (onBodyIncomplete !== undefined && typeof onBodyIncomplete !== 'function') throw invalid('`onBodyIncomplete` must be a function');
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0 || (limit !== Number.POSITIVE_INFINITY && !Number.isInteger(limit))) throw invalid('`limit` must be a number of bytes (0 or more)');
  return { path, overwrite, limit };
}

function invalid(message: string): ValidationError {
  return new ValidationError(`storeUploadHandler: ${message}`, { code: 'ERR_INVALID_ARGUMENT' });
}
