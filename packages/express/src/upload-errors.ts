import { AbortError, RocketRideError, ValidationError } from 'rocketride-streams';
import {
  ERR_BODY_CONSUMED,
  ERR_BODY_INCOMPLETE,
  ERR_CLIENT_DISCONNECTED,
  ERR_CONTENT_LENGTH_MISMATCH,
  ERR_FILE_TOO_LARGE,
  ERR_MULTIPART_MALFORMED,
  ERR_MULTIPART_UNSUPPORTED,
  ERR_NO_FILES,
  ERR_PAYLOAD_TOO_LARGE,
  ERR_TOO_MANY_FILES,
} from './codes.js';
import type { FileOutcome } from './outcome.js';

/** The error for a body larger than `limit` bytes (answered 413). */
export function payloadTooLarge(limit: number): ValidationError {
  return new ValidationError(`The request body is larger than the limit of ${limit} bytes; nothing was committed`, { code: ERR_PAYLOAD_TOO_LARGE });
}

/** The error for a file part larger than `maxFileSize` bytes (answered 413). */
export function fileTooLarge(name: string, limit: number): ValidationError {
  return new ValidationError(`The file "${name}" is larger than the limit of ${limit} bytes; it was not committed`, { code: ERR_FILE_TOO_LARGE });
}

/** The error for a form with more than `maxFiles` file parts (answered 413). */
export function tooManyFiles(limit: number): ValidationError {
  return new ValidationError(`The form has more than ${limit} files; the files after the limit were not committed`, { code: ERR_TOO_MANY_FILES });
}

/** The error for a form without a file part (answered 400). */
export function noFiles(): ValidationError {
  return new ValidationError('The multipart/form-data body has no file part; nothing was committed', { code: ERR_NO_FILES });
}

/** The error for a body that was read before the handler ran (answered 500: the server is misconfigured). */
export function bodyConsumed(parsed: boolean): RocketRideError {
  const how = parsed ? 'was already parsed (req.body is set)' : 'was already read, in whole or in part,';
  return new RocketRideError(
    `The request body ${how} by another middleware (express.json()? a body parser mounted before this route?), so it cannot be streamed; nothing was sent to the engine. Mount the upload route before any body parser, or exclude it from them.`,
    { code: ERR_BODY_CONSUMED },
  );
}

/** The error for a body whose byte count differs from its `Content-Length` (answered 400). */
export function contentLengthMismatch(received: number, declared: number): ValidationError {
  return new ValidationError(`The request body has ${received} bytes but its Content-Length announced ${declared}; nothing was committed`, {
    code: ERR_CONTENT_LENGTH_MISMATCH,
  });
}

/** The error for a chunked body that ended before its last chunk (answered 400). */
export function bodyIncomplete(received: number): ValidationError {
  return new ValidationError(`The request body ended after ${received} bytes, before its last chunk; nothing was committed`, { code: ERR_BODY_INCOMPLETE });
}

/** The error for a `multipart/form-data` body when `busboy` is not installed (answered 415). */
export function multipartUnsupported(cause: unknown): RocketRideError {
  return new RocketRideError(
    'multipart/form-data uploads need the optional peer dependency busboy (npm install busboy); nothing was sent to the engine',
    { code: ERR_MULTIPART_UNSUPPORTED, cause },
  );
}

/** The error for a `multipart/form-data` body that cannot be parsed (answered 400). */
export function multipartMalformed(cause: unknown): ValidationError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`The multipart/form-data body is malformed (${detail}); the file being received was not committed`, {
    code: ERR_MULTIPART_MALFORMED,
    cause,
  });
}

/** The abort reason when the HTTP client went away before its body ended. */
export function clientDisconnected(): AbortError {
  return new AbortError('The client disconnected before the upload ended; the object was not committed', { code: ERR_CLIENT_DISCONNECTED });
}

/**
 * A `multipart/form-data` upload that failed. `code`, `message` and the HTTP status are those of the
 * first failure (`cause`); `files` tells what became of each file part, since the files that ended
 * before the failure were committed and cannot be taken back.
 */
export class MultipartError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.express.MultipartError');
  readonly files: FileOutcome[];

  constructor(cause: RocketRideError, files: FileOutcome[]) {
    super(cause.message, { code: cause.code, cause });
    this.files = files;
  }
}
