import { basename } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortError,
  AuthenticationError,
  CLOSE_ABORT_GRACE_MS,
  ConnectionError,
  normalizeUri,
  PipeError,
  type PipelineResult,
  ProtocolError,
  RocketRideError,
  TimeoutError,
  ValidationError,
} from '@rocketride-streams/core';
import { type Dispatcher, request } from 'undici';
import {
  checkInteger,
  checkOptionsObject,
  checkSignal,
  checkString,
  checkTimeout,
  checkTokenFirst,
  invalidOption,
  MAX_FILE_CHUNK,
  shown,
} from './option-checks.js';
import { resolvePipeOptions } from './options.js';
import { openSource, type UploadSource } from './upload.js';

/** Where an HTTP upload goes, and with which credential. */
export interface HttpTarget {
  /**
   * Base HTTP URL of the engine, e.g. `http://localhost:5565`. A path in it is kept as a prefix (for an
   * engine behind a reverse proxy). Wins over `uri`.
   */
  httpUrl?: string;
  /**
   * The engine address in any form the WebSocket client takes (e.g. a client's
   * `getConnectionInfo().uri`, `ws://host:5565/task/service`, `localhost`). `ws://` becomes `http://`,
   * `wss://` becomes `https://`, and the path is dropped.
   */
  uri?: string;
  /** API key or task credential, sent as `Authorization: Bearer <auth>`. Required. */
  auth: string;
}

/** Options of {@link httpUpload}. */
export interface HttpUploadOptions {
  /** Object name, sent as the `Content-Disposition` filename. Default: a file's base name, else none (the engine names it `stream-<uuid>`). */
  name?: string;
  /** `Content-Type` of the body; selects the engine lane. Default: looked up from the name, else `application/octet-stream`. */
  mimeType?: string;
  /**
   * Body length, sent as `Content-Length`. Default: known for files, Buffers and strings; otherwise the
   * body is sent chunked. A body that turns out longer or shorter fails (`ERR_SIZE_MISMATCH`) and is not committed.
   */
  size?: number;
  /** The route: `/task/data` or its alias `/webhook`. Default `/task/data`. */
  endpoint?: '/task/data' | '/webhook';
  /** Read size for files. Default 1 MiB. */
  fileChunkSize?: number;
  /**
   * Aborting while the body is still being sent cuts the request; the engine does not commit the object.
   * Once the whole body has been sent the engine may commit it whatever happens: an abort then waits for
   * the answer (up to 30 s) and reports the real outcome, or `ERR_COMMIT_UNKNOWN` without one.
   */
  signal?: AbortSignal;
  /**
   * Longest wait in ms for the response headers once the request is sent. The engine answers only after the
   * whole body went through the pipeline, so keep it above the slowest upload. Default 300000 (undici's); 0 = none.
   */
  headersTimeout?: number;
  /** Longest pause in ms between two chunks of the response body. Default 300000 (undici's); 0 = none. */
  bodyTimeout?: number;
  /** An undici `Dispatcher` (a pool, a proxy agent…). Default: undici's global dispatcher (keep-alive). */
  dispatcher?: Dispatcher;
}

/** Maps an engine address to its HTTP base URL (no trailing slash). */
export function httpBaseUrl(target: Pick<HttpTarget, 'httpUrl' | 'uri'>): string {
  if (target.httpUrl) {
    let url: URL;
    try {
      url = new URL(target.httpUrl);
    } catch (cause) {
      throw new ValidationError(`Invalid httpUrl: ${JSON.stringify(target.httpUrl)}`, { code: 'ERR_INVALID_URI', cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ValidationError(`httpUrl must be http: or https:, got ${url.protocol}`, { code: 'ERR_INVALID_URI' });
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  if (!target.uri) throw new ValidationError('An HTTP upload needs httpUrl or uri', { code: 'ERR_INVALID_URI' });
  const ws = new URL(normalizeUri(target.uri));
  return `${ws.protocol === 'wss:' ? 'https:' : 'http:'}//${ws.host}`;
}

/** `attachment; filename="…"`, with an RFC 8187 `filename*` when the name is not plain ASCII. */
function contentDisposition(name: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const quoted = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&');
  return ascii ? `attachment; filename="${quoted}"` : `attachment; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

interface Envelope {
  status?: unknown;
  data?: unknown;
  error?: { message?: unknown; error?: unknown; file?: unknown; lineno?: unknown };
  detail?: unknown;
}

type ObjectEntry = Record<string, unknown> & { status?: unknown; error?: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function traceOf(error: Envelope['error']): { file?: string; lineno?: number } | undefined {
  if (!error) return undefined;
  const trace: { file?: string; lineno?: number } = {};
  if (typeof error.file === 'string') trace.file = error.file;
  if (typeof error.lineno === 'number') trace.lineno = error.lineno;
  return trace.file !== undefined || trace.lineno !== undefined ? trace : undefined;
}

/** Turns a non-200 answer into the error class the WebSocket path would raise for the same cause. */
function statusError(status: number, envelope: Envelope | undefined, text: string, url: string): RocketRideError {
  const error = envelope?.error;
  const response = envelope ?? text;
  if (status === 401 || (status === 400 && isObject(error) && 'error' in error && !('message' in error))) {
    const serverMessage = typeof error?.error === 'string' ? error.error : text || `HTTP ${status}`;
    return new AuthenticationError(`The engine refused the credential: ${serverMessage}`, { code: 'ERR_AUTHENTICATION', serverMessage, response });
  }
  if (status === 400) {
    const serverMessage = typeof error?.message === 'string' ? error.message : text || 'HTTP 400';
    const trace = traceOf(error);
    return new PipeError(`The engine refused the upload: ${serverMessage}`, {
      code: 'ERR_PIPE_OPEN',
      serverMessage,
      response,
      ...(trace ? { trace } : {}),
    });
  }
  if (status === 422) {
    return new ValidationError(`The engine rejected the request as invalid: ${JSON.stringify(envelope?.detail ?? text)}`, { code: 'ERR_HTTP_VALIDATION', response });
  }
  const message = `Unexpected HTTP ${status} from ${url}`;
  if (status >= 500) return new ConnectionError(message, { code: 'ERR_HTTP_STATUS', response });
  return new ProtocolError(message, { code: 'ERR_HTTP_STATUS', response });
}

/** Picks the uploaded object from a §11 upload summary and returns it as a PIPELINE_RESULT. */
function resultOf(data: unknown): PipelineResult {
  if (!isObject(data) || !isObject(data.objects)) {
    throw new ProtocolError('The engine answered the upload without an objects map', { code: 'ERR_HTTP_RESPONSE', response: data });
  }
  const objects = data.objects as Record<string, unknown>;
  const entry = (objects.body ?? Object.values(objects)[0]) as ObjectEntry | undefined;
  if (!isObject(entry)) {
    throw new ProtocolError('The engine answered the upload without a result for the body', { code: 'ERR_HTTP_RESPONSE', response: data });
  }
  const { status, ...rest } = entry;
  if (status !== 'OK') {
    const err = isObject(entry.error) ? entry.error : {};
    const serverMessage = typeof err.message === 'string' ? err.message : JSON.stringify(entry.error ?? entry);
    const trace = traceOf(err as Envelope['error']);
    throw new PipeError(`The engine failed the object: ${serverMessage}`, {
      code: 'ERR_PIPE_UPLOAD',
      serverMessage,
      response: data,
      ...(trace ? { trace } : {}),
    });
  }
  if (isObject(rest.error)) {
    const serverMessage = typeof rest.error.message === 'string' ? rest.error.message : JSON.stringify(rest.error);
    throw new PipeError(`The pipeline failed the object: ${serverMessage}`, { code: 'ERR_PIPE_RESULT', serverMessage, response: data });
  }
  const result = rest as PipelineResult;
  // The HTTP summary merges result_types across objects; with one object they are this object's.
  if (isObject(data.resultTypes) && Object.keys(data.resultTypes).length > 0) result.result_types = data.resultTypes as Record<string, string>;
  return result;
}

/** Maps a transport failure (undici or socket) to our error classes. */
function transportError(err: unknown, url: string): RocketRideError {
  if (err instanceof RocketRideError) return err;
  const code = (err as { code?: string } | undefined)?.code ?? '';
  const message = (err as Error | undefined)?.message ?? String(err);
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new ValidationError(`The body length differs from the size given (${message}); the object was not committed`, { code: 'ERR_SIZE_MISMATCH', cause: err });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TimeoutError(`HTTP upload to ${url} timed out (${code})`, { code: 'ERR_TIMEOUT', cause: err });
  }
  return new ConnectionError(`HTTP upload to ${url} failed: ${message}`, { code: 'ERR_CONNECTION_LOST', cause: err });
}

const ENDPOINTS: ReadonlySet<string> = new Set(['/task/data', '/webhook']);

/** Checks every {@link HttpUploadOptions} field before anything is opened or sent (`ERR_INVALID_OPTION`). */
function checkHttpOptions(options: unknown): void {
  checkOptionsObject(options);
  if (options === undefined) return;
  const o = options as HttpUploadOptions;
  checkString(o.name, 'name');
  checkString(o.mimeType, 'mimeType');
  checkInteger(o.size, 'size', 0, Number.MAX_SAFE_INTEGER);
  if (o.endpoint !== undefined && !ENDPOINTS.has(o.endpoint)) throw invalidOption(`endpoint must be '/task/data' or '/webhook', got ${shown(o.endpoint)}`);
  checkInteger(o.fileChunkSize, 'fileChunkSize', 1, MAX_FILE_CHUNK);
  checkSignal(o.signal);
  checkTimeout(o.headersTimeout, 'headersTimeout');
  checkTimeout(o.bodyTimeout, 'bodyTimeout');
  if (o.dispatcher !== undefined && typeof (o.dispatcher as { dispatch?: unknown } | null)?.dispatch !== 'function') {
    throw invalidOption(`dispatcher must be an undici Dispatcher, got ${shown(o.dispatcher)}`);
  }
}

/** The engine got the whole body but its answer never came: the object may or may not be committed. */
function commitUnknown(why: string, cause?: unknown): PipeError {
  return new PipeError(`The whole body of the HTTP upload was sent but ${why}; the object may or may not have been committed`, {
    code: 'ERR_COMMIT_UNKNOWN',
    cause,
  });
}

/**
 * Streams one source to the engine's HTTP upload route (`POST /task/data?token=`) as a raw
 * body, for environments where a WebSocket is not an option, and resolves to the object's result.
 *
 * The body is written with undici at the pace of the socket (backpressure: the source is paused while the
 * socket's buffer is full), so memory stays bounded whatever the size. The engine streams the body into one
 * pipe and answers once the pipeline is done. On the text lane the engine turns each chunk it reads from the
 * request into one text segment, so segment boundaries are the server's, not the client's.
 *
 * A failed source, an aborted signal or a lost connection cuts the request before its end: the engine sees an
 * incomplete body and does not commit the object. Once the whole body has been sent, an abort waits for the
 * answer (up to 30 s) and a lost connection or a timeout rejects with PipeError `ERR_COMMIT_UNKNOWN`.
 *
 * @throws ValidationError (`ERR_INVALID_TOKEN`, `ERR_INVALID_SOURCE`, `ERR_INVALID_URI`, `ERR_SIZE_MISMATCH`,
 *   `ERR_HTTP_VALIDATION` for a 422), AuthenticationError (`ERR_NO_CREDENTIAL`, `ERR_AUTHENTICATION` for a 401),
 *   PipeError (`ERR_COMMIT_UNKNOWN`, `ERR_PIPE_OPEN` for another 400, `ERR_PIPE_UPLOAD` when the engine failed the object or its token (the
 *   bridge checks the token per object), `ERR_PIPE_RESULT` when the pipeline did), ConnectionError (`ERR_CONNECTION_LOST`, `ERR_HTTP_STATUS`
 *   for a 5xx), TimeoutError, AbortError (`ERR_ABORTED`), ProtocolError (`ERR_HTTP_RESPONSE`, `ERR_HTTP_STATUS`).
 *   An error raised by the source itself is rethrown as it is. A token that is not a string (a call written for
 *   the old order, `httpUpload(target, source, token)`) is `ERR_INVALID_ARGUMENT`.
 */
export async function httpUpload(target: HttpTarget, token: string, source: UploadSource, options: HttpUploadOptions = {}): Promise<PipelineResult> {
  checkTokenFirst(token, 'httpUpload()', 'httpUpload(target, token, source, options?)');
  if (token.trim() === '') {
    throw new ValidationError('A task token (a non-empty string) is required for an HTTP upload', { code: 'ERR_INVALID_TOKEN' });
  }
  if (typeof target !== 'object' || target === null) {
    throw new ValidationError(`target must be an object { httpUrl | uri, auth }, got ${shown(target)}`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (typeof target.auth !== 'string' || target.auth.trim() === '') {
    throw new AuthenticationError('No credential: an HTTP upload needs target.auth (an API key or task credential)', { code: 'ERR_NO_CREDENTIAL' });
  }
  checkHttpOptions(options);
  const { signal } = options;
  const aborted = () => new AbortError('The HTTP upload was aborted; the object was not committed', { cause: signal?.reason });
  if (signal?.aborted) throw aborted();
  const base = httpBaseUrl(target);
  const url = `${base}${options.endpoint ?? '/task/data'}?token=${encodeURIComponent(token)}`;

  const opened = await openSource(source, options.fileChunkSize);
  const readable: Readable = opened.readable;
  let sourceError: unknown;
  readable.once('error', (err) => {
    sourceError ??= err;
  });
  const name = options.name ?? opened.name;
  const size = options.size ?? opened.size;
  const { mimeType } = resolvePipeOptions({ ...(name !== undefined ? { name: basename(name) } : {}), ...(options.mimeType ? { mimeType: options.mimeType } : {}) });
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.auth}`,
    'content-type': mimeType,
    accept: 'application/json',
  };
  if (name !== undefined) headers['content-disposition'] = contentDisposition(name);
  if (size !== undefined) headers['content-length'] = String(size);

  // The user's signal is not handed to undici: whether an abort may still cut the request depends on
  // whether the whole body has been handed over (after that the engine may commit whatever we do).
  // `bodySent` turns true before the chunk that completes a body of known size is handed over, and
  // before the end of a chunked body, so it never lags behind what the engine may have received.
  const cut = new AbortController();
  let bodySent = false;
  let abortedAfterBody = false;
  let grace: NodeJS.Timeout | undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    let handed = 0;
    for await (const chunk of readable as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      handed += bytes.byteLength;
      if (size !== undefined && handed >= size) bodySent = true;
      yield bytes;
    }
    bodySent = true;
  }
  const onAbort = (): void => {
    if (!bodySent) cut.abort(signal?.reason);
    else {
      abortedAfterBody = true;
      grace = setTimeout(() => cut.abort(signal?.reason), CLOSE_ABORT_GRACE_MS);
    }
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort(); // aborted while the source was being opened

  let text: string;
  let statusCode: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body: Readable.from(body(), { objectMode: false }),
      signal: cut.signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.headersTimeout !== undefined ? { headersTimeout: options.headersTimeout } : {}),
      ...(options.bodyTimeout !== undefined ? { bodyTimeout: options.bodyTimeout } : {}),
    });
    statusCode = response.statusCode;
    text = await response.body.text();
    // An early answer (e.g. 401 before the body was read) leaves the rest of the source unread.
    if (!readable.readableEnded && !readable.destroyed) readable.destroy();
  } catch (err) {
    if (!readable.destroyed) readable.destroy();
    if (abortedAfterBody) throw commitUnknown('the upload was aborted meanwhile and no answer came in time', err);
    if (signal?.aborted) throw aborted();
    if (sourceError !== undefined) throw sourceError;
    const error = transportError(err, url);
    if (bodySent && error.code !== 'ERR_SIZE_MISMATCH') throw commitUnknown(`no usable answer came (${(err as { code?: string })?.code ?? error.code})`, err);
    throw error;
  } finally {
    clearTimeout(grace);
    signal?.removeEventListener('abort', onAbort);
  }
  let envelope: Envelope | undefined;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    envelope = undefined;
  }
  if (statusCode !== 200) throw statusError(statusCode, envelope, text, url);
  if (envelope?.status !== 'OK') {
    throw new ProtocolError('The engine answered the upload with something other than a {"status":"OK"} envelope', { code: 'ERR_HTTP_RESPONSE', response: envelope ?? text });
  }
  return resultOf(envelope.data);
}
