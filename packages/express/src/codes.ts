/** Code of the error raised when a request body exceeds the handler's `limit` (413). */
export const ERR_PAYLOAD_TOO_LARGE = 'ERR_PAYLOAD_TOO_LARGE';

/**
 * Code of the error raised when the request body was already read, in whole or in part, before the
 * upload handler ran (`express.json()` or another body parser mounted in front of it) (500).
 */
export const ERR_BODY_CONSUMED = 'ERR_BODY_CONSUMED';

/** Code of the error raised when the body's byte count differs from its `Content-Length` (400). */
export const ERR_CONTENT_LENGTH_MISMATCH = 'ERR_CONTENT_LENGTH_MISMATCH';

/** Code of the error raised when a body without `Content-Length` (chunked) ended before its last chunk (400). */
export const ERR_BODY_INCOMPLETE = 'ERR_BODY_INCOMPLETE';

/** Code of the error raised for a `multipart/form-data` body when the optional peer `busboy` is not installed (415). */
export const ERR_MULTIPART_UNSUPPORTED = 'ERR_MULTIPART_UNSUPPORTED';

/** Code of the error raised for a `multipart/form-data` body that cannot be parsed (400). */
export const ERR_MULTIPART_MALFORMED = 'ERR_MULTIPART_MALFORMED';

/** Code of the error raised for a form with more file parts than `multipart.maxFiles` (413). */
export const ERR_TOO_MANY_FILES = 'ERR_TOO_MANY_FILES';

/** Code of the error raised for a file part larger than `multipart.maxFileSize` (413). */
export const ERR_FILE_TOO_LARGE = 'ERR_FILE_TOO_LARGE';

/** Code of the error raised for a form without any file part (400). */
export const ERR_NO_FILES = 'ERR_NO_FILES';

/** Code of the abort reason when the HTTP client went away before its body ended (nothing is answered). */
export const ERR_CLIENT_DISCONNECTED = 'ERR_CLIENT_DISCONNECTED';
