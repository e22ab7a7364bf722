import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  AbortError,
  ConnectionError,
  mimeTypeOf,
  readArgument,
  type RocketRideError,
  StoreError,
  type StoreReadStream,
  ValidationError,
} from 'rocketride-streams';
import { errorBody } from './http-errors.js';
import type { RequestLike } from './request-info.js';
import type { StoreClient } from './store-client.js';
import { type NextLike, sendError, sendJson } from './respond.js';

/** What `storeDownloadHandler` needs from the client: the file store and `isConnected()`. */
export type DownloadClient = StoreClient;

/** Options of {@link storeDownloadHandler}. */
export interface StoreDownloadOptions<Req extends RequestLike = RequestLike> {
  /**
   * The store path to send, per request (e.g. `(req) => \`reports/${req.params.name}\``). A thrown
   * `RocketRideError` is answered with its status; any other error goes to `next(error)`.
   */
  path: (req: Req) => string | Promise<string>;
  /** The `Content-Type`. Default: from the path's extension (`mime-types`), else `application/octet-stream`. */
  contentType?: (path: string, req: Req) => string;
  /** Adds `Content-Disposition: attachment` with the file's name (true) or the given name. Default: none. */
  attachment?: boolean | ((path: string, req: Req) => string);
  /** Bytes buffered ahead of a slow client (the read stream's `highWaterMark`). Default 1 MiB. */
  highWaterMark?: number;
}

/** A route handler for Express 4 and 5 (and plain `node:http`). */
export type DownloadRequestHandler<Req extends RequestLike = RequestLike> = (req: Req, res: ServerResponse, next?: NextLike) => void;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against `size`: the inclusive range, `'unsatisfiable'`, or undefined (serve it all). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  // Several ranges, other units or nonsense: a server may ignore Range and send the whole file (RFC 9110 §14.2).
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/** A directory is not a file to download: 404 (`httpStatusOf` says 409, for writes onto one); the rest as mapped there. */
function fail(res: ServerResponse, error: unknown, next: NextLike | undefined): void {
  if ((error as RocketRideError | undefined)?.code === 'ERR_STORE_IS_DIRECTORY') sendJson(res, 404, errorBody(error as RocketRideError));
  else sendError(res, error, next);
}

/**
 * A route handler that streams a file of the engine's store to the response, with backpressure (one `fs_read` at a
 * time, only as fast as the client takes it): `Content-Length`, `Content-Type` from the name, `Accept-Ranges`,
 * and a single `Range: bytes=…` answered `206` with `Content-Range` (several ranges: the whole file, `200`;
 * outside the file: `416`; sent with `If-Range`: ignored, as no validator is sent). `HEAD` sends the headers only. A missing file is `404` `{ error: { code, message } }`;
 * a client that goes away closes the store handle.
 */
export function storeDownloadHandler<Req extends RequestLike = RequestLike>(
  rocketride: DownloadClient,
  options: StoreDownloadOptions<Req>,
): DownloadRequestHandler<Req> {
  // Copied once: a getter or Proxy trap that throws is refused (coded) when the handler is made, not on a request.
  if (typeof options === 'object' && options !== null) options = readArgument('storeDownloadHandler: options', () => ({ ...options }));
  if (typeof options?.path !== 'function') {
    throw new ValidationError('storeDownloadHandler: `path` must be a function of the request', { code: 'ERR_INVALID_ARGUMENT' });
  }
  checkDownloadOptions(options);
  const typeFor = options.contentType ?? ((path: string) => mimeTypeOf(path.split('/').pop()));
  return (req, res, next) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy(error as Error);
      else fail(res, error, next);
    });
  };

  async function handle(req: Req, res: ServerResponse): Promise<void> {
    if (!rocketride.isConnected()) throw new ConnectionError('The RocketRide engine is not connected', { code: 'ERR_NOT_CONNECTED' });
    const path = await options.path(req);
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort(new AbortError('The client went away', { code: 'ERR_CLIENT_DISCONNECTED' }));
    };
    res.on('close', onClose);
    try {
      const st = await rocketride.store.stat(path, { signal: gone.signal });
      if (!st.exists || st.type !== 'file') {
        const what = st.exists ? 'is a directory' : 'does not exist';
        throw new StoreError(`${path} ${what}`, { code: st.exists ? 'ERR_STORE_IS_DIRECTORY' : 'ERR_STORE_NOT_FOUND', path });
      }
      const size = st.size ?? 0;
      // If-Range: the handler sends no validator (ETag, Last-Modified), so no If-Range condition can hold, and a
      // Range sent with one must be ignored (RFC 9110 §13.1.5): the client is resuming a copy that may be outdated.
      const ranged = req.method !== 'HEAD' && header(req, 'if-range') === undefined;
      const range = ranged ? parseRange(header(req, 'range'), size) : undefined;
      if (range === 'unsatisfiable') {
        res.setHeader('content-range', `bytes */${size}`);
        sendJson(res, 416, { error: { code: 'ERR_RANGE_NOT_SATISFIABLE', message: `The range is outside the file (${size} bytes)` } });
        return;
      }
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('content-type', typeFor(path, req));
      if (options.attachment) {
        const name = typeof options.attachment === 'function' ? options.attachment(path, req) : (path.split('/').pop() ?? 'download');
        res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
      }
      if (req.method === 'HEAD' || size === 0) {
        res.setHeader('content-length', size);
        res.end();
        return;
      }
      const first = range?.start ?? 0;
      const last = range?.end ?? size - 1;
      const source = rocketride.store.createReadStream(path, {
        start: first,
        end: last,
        signal: gone.signal,
        ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }),
      });
      await opened(source);
      // Replaced between the stat and the open (an atomic write renamed a new file in): answer for what was opened.
      if (source.size !== size) {
        source.destroy();
        throw new StoreError(`${path} changed while it was being opened; try again`, { code: 'ERR_STORE_CHANGED', path });
      }
      res.statusCode = range ? 206 : 200;
      if (range) res.setHeader('content-range', `bytes ${first}-${last}/${size}`);
      res.setHeader('content-length', last - first + 1);
      await pipeline(source, res, { end: false });
      // A file cut short while it was sent (truncated by a writer) ends the read early: ending the response then
      // would leave the client waiting for the bytes Content-Length promised. The error destroys the response instead.
      if (source.bytesRead !== last - first + 1) {
        throw new StoreError(`${path} changed while it was being sent (${source.bytesRead} of ${last - first + 1} bytes); try again`, { code: 'ERR_STORE_CHANGED', path });
      }
      res.end();
    } finally {
      res.off('close', onClose);
    }
  }
}

/**
 * The other options, when the handler is made: a bad one would otherwise fail every request, as a TypeError
 * (`contentType` not a function) or a 400 blaming the HTTP client (`highWaterMark`).
 */
function checkDownloadOptions(options: StoreDownloadOptions<never>): void {
  const bad = (message: string): ValidationError => new ValidationError(`storeDownloadHandler: ${message}`, { code: 'ERR_INVALID_ARGUMENT' });
  const { contentType, attachment, highWaterMark } = options;
  if (contentType !== undefined && typeof contentType !== 'function') throw bad('`contentType` must be a function of the path and the request');
  if (attachment !== undefined && typeof attachment !== 'boolean' && typeof attachment !== 'function') {
    throw bad('`attachment` must be true, false or a function of the path and the request');
  }
  if (highWaterMark !== undefined && (!Number.isSafeInteger(highWaterMark) || highWaterMark <= 0)) throw bad('`highWaterMark` must be a positive integer');
}

function header(req: RequestLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Resolves once the read stream has its handle, rejects with its error. */
function opened(source: StoreReadStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      source.off('ready', onReady);
      reject(error);
    };
    const onReady = (): void => {
      source.off('error', onError);
      resolve();
    };
    source.once('ready', onReady);
    source.once('error', onError);
  });
}
