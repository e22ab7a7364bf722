import { ConnectionError, RocketRideError, TimeoutError, ValidationError } from 'rocketride-streams';
import {
  ERR_BODY_CONSUMED,
  ERR_FILE_TOO_LARGE,
  ERR_MULTIPART_UNSUPPORTED,
  ERR_PAYLOAD_TOO_LARGE,
  ERR_TOO_MANY_FILES,
} from './codes.js';
import type { FileOutcome } from './outcome.js';
import { MultipartError } from './upload-errors.js';

/**
 * The JSON body of every error answer: `{ error: { code, message } }`, plus `files` (what became of
 * each file) when a `multipart/form-data` upload failed.
 */
export interface ErrorBody {
  error: { code: string; message: string };
  files?: FileOutcome[];
}

/** The engine's answer to a token that names no running task (PROTOCOL.md §10.1, task lookup). */
const NOT_RUNNING = 'Your pipeline is not running';

/**
 * Whether the error says that no running task has the token: `ERR_TASK_NOT_FOUND` (an upload's
 * open, the SSE handler's check), or any other command the engine answered `Your pipeline is not
 * running` (`getTaskStatus()`, `http.upload()`…).
 */
export function isTaskNotFound(error: RocketRideError): boolean {
  return error.code === 'ERR_TASK_NOT_FOUND' || error.serverMessage === NOT_RUNNING;
}

/** Statuses given by code, ahead of the mapping by class. */
const BY_CODE: Readonly<Record<string, number>> = {
  [ERR_PAYLOAD_TOO_LARGE]: 413,
  [ERR_FILE_TOO_LARGE]: 413,
  [ERR_TOO_MANY_FILES]: 413,
  [ERR_MULTIPART_UNSUPPORTED]: 415,
  [ERR_BODY_CONSUMED]: 500,
  // The file store (rocketride.store), for the store handlers.
  ERR_STORE_NOT_FOUND: 404,
  ERR_STORE_PERMISSION: 403,
  ERR_STORE_EXISTS: 409,
  ERR_STORE_LOCKED: 409,
  ERR_STORE_IS_DIRECTORY: 409,
  ERR_STORE_NOT_DIRECTORY: 409,
  ERR_STORE_NOT_EMPTY: 409,
  ERR_STORE_PATH: 400,
  ERR_STORE_HANDLES: 503,
  ERR_STORE_CHANGED: 503,
};

/**
 * The HTTP status for a library error:
 *
 * | error | status |
 * | --- | --- |
 * | `ERR_PAYLOAD_TOO_LARGE`, `ERR_FILE_TOO_LARGE`, `ERR_TOO_MANY_FILES` (the configured limits) | 413 |
 * | `ERR_MULTIPART_UNSUPPORTED` (a form posted, `busboy` not installed) | 415 |
 * | `ERR_BODY_CONSUMED` (a body parser read the body first: the server is misconfigured) | 500 |
 * | `ERR_STORE_NOT_FOUND` (no such store file or folder) | 404 |
 * | `ERR_STORE_PERMISSION` (the credential lacks `task.store`) | 403 |
 * | `ERR_STORE_EXISTS` (`overwrite: false` and the file exists), `ERR_STORE_LOCKED` (another writer holds the path), `ERR_STORE_IS_DIRECTORY`, `ERR_STORE_NOT_DIRECTORY`, `ERR_STORE_NOT_EMPTY` | 409 |
 * | `ERR_STORE_PATH` (a path the engine refused) | 400 |
 * | `ERR_STORE_HANDLES` (the connection's 64 store handles are in use), `ERR_STORE_CHANGED` (replaced while being opened) | 503 |
 * | `ERR_TASK_NOT_FOUND`, or the engine's `Your pipeline is not running` (no running task has the token) | 404 |
 * | `ValidationError` (bad input: invalid UTF-8 in a `text/*` body, a body shorter than its `Content-Length`…) | 400 |
 * | `ConnectionError` (engine not connected, connection lost) | 503 |
 * | `TimeoutError` | 504 |
 * | `PipeError`, `ExecutionError`, `ProtocolError`, `AuthenticationError`, any other `RocketRideError` | 502 |
 *
 * A `MultipartError` has the status of its first failure. Returns `undefined` for anything that is
 * not a `RocketRideError` (a bug in the application, say).
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof RocketRideError)) return undefined;
  if (error instanceof MultipartError) return httpStatusOf(error.cause);
  const byCode = Object.hasOwn(BY_CODE, error.code) ? BY_CODE[error.code] : undefined;
  if (byCode !== undefined) return byCode;
  if (isTaskNotFound(error)) return 404;
  if (error instanceof ValidationError) return 400;
  if (error instanceof ConnectionError) return 503;
  if (error instanceof TimeoutError) return 504;
  // PipeError, ExecutionError, ProtocolError, AuthenticationError and the rest: the engine failed us.
  return 502;
}

/** `{ error: { code, message } }` for an error, with `files` for a `MultipartError`. */
export function errorBody(error: RocketRideError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error instanceof MultipartError) body.files = error.files;
  return body;
}
