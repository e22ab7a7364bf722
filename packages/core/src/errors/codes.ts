/**
 * Every `code` an error of this library can carry, one list per error class. A code names one kind of
 * failure and belongs to the class of that kind (`ERR_HTTP_STATUS` is the one code of two: a 5xx is a
 * ConnectionError, any other unexpected status a ProtocolError; `ERR_STORE_PATH` is a ValidationError when the
 * client refuses a path before sending it, a StoreError when the engine refuses it).
 */

/** Codes of a plain RocketRideError (the base class, for failures that fit no narrower class). */
export const ROCKETRIDE_CODES = [
  'ERR_ROCKETRIDE',
  'ERR_REQUEST_FAILED',
  'ERR_LISTENER',
  'ERR_MONITOR',
  'ERR_PING',
  'ERR_SERVER_INFO',
  'ERR_SERVICES',
  'ERR_TASK_NOT_FOUND',
  'ERR_BODY_CONSUMED',
  'ERR_MULTIPART_UNSUPPORTED',
] as const;

export const CONNECTION_CODES = [
  'ERR_CONNECTION',
  'ERR_CONNECTION_LOST',
  'ERR_CONNECT_FAILED',
  'ERR_CONNECT_REFUSED',
  'ERR_DISCONNECTED',
  'ERR_HTTP_STATUS',
  'ERR_MONITOR_REPLAY',
  'ERR_NOT_CONNECTED',
  'ERR_RECONNECT_GAVE_UP',
  'ERR_SEND_FAILED',
  'ERR_SIMULATOR_NOT_INSTALLED',
  'ERR_NO_ENGINE',
] as const;

export const AUTHENTICATION_CODES = ['ERR_AUTHENTICATION', 'ERR_NO_CREDENTIAL', 'ERR_PUBLIC_TOKEN_REFUSED'] as const;

export const PIPE_CODES = [
  'ERR_PIPE',
  'ERR_PIPE_ABANDONED',
  'ERR_PIPE_CLOSE',
  'ERR_PIPE_OPEN',
  'ERR_PIPE_RESULT',
  'ERR_PIPE_SSE',
  'ERR_PIPE_STATE',
  'ERR_PIPE_UPLOAD',
  'ERR_PIPE_WRITE',
  'ERR_COMMIT_UNKNOWN',
  'ERR_TASK_NOT_FOUND',
] as const;

export const EXECUTION_CODES = [
  'ERR_EXECUTION',
  'ERR_EXECUTE',
  'ERR_TERMINATE',
  'ERR_RESTART',
  'ERR_TASKS',
  'ERR_TASK_PIPELINE',
  'ERR_TASK_STATUS',
  'ERR_TASK_TOKEN',
  'ERR_NO_TASK_TOKEN',
  'ERR_ACCOUNT',
  'ERR_SAAS_ONLY',
  'ERR_DASHBOARD',
  'ERR_DASHBOARD_RESPONSE',
  'ERR_DATABASE_NO_ANSWER',
  'ERR_DEPLOY_ADD',
  'ERR_DEPLOY_LIST',
  'ERR_DEPLOY_REMOVE',
  'ERR_DEPLOY_RESPONSE',
  'ERR_DEPLOY_STATUS',
  'ERR_DEPLOY_UPDATE',
  'ERR_CPROFILE_ACTIVE',
  'ERR_CPROFILE_NOT_ACTIVE',
  'ERR_CPROFILE_NOT_OWNER',
  'ERR_CPROFILE_REPORT',
  'ERR_CPROFILE_START',
  'ERR_CPROFILE_STATUS',
  'ERR_CPROFILE_STOP',
] as const;

export const VALIDATION_CODES = [
  'ERR_VALIDATION',
  'ERR_VALIDATE',
  'ERR_ENCODE',
  'ERR_INVALID_ARGUMENT',
  'ERR_INVALID_CHUNK',
  'ERR_INVALID_DATA',
  'ERR_INVALID_DOCUMENT',
  'ERR_INVALID_OPTION',
  'ERR_INVALID_PIPELINE',
  'ERR_INVALID_PROJECT_ID',
  'ERR_INVALID_SCHEDULE',
  'ERR_INVALID_SOURCE',
  'ERR_INVALID_TOKEN',
  'ERR_INVALID_URI',
  'ERR_INVALID_UTF8',
  'ERR_HTTP_VALIDATION',
  'ERR_SIZE_MISMATCH',
  'ERR_WRITE_AFTER_END',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_FILE_TOO_LARGE',
  'ERR_TOO_MANY_FILES',
  'ERR_NO_FILES',
  'ERR_CONTENT_LENGTH_MISMATCH',
  'ERR_BODY_INCOMPLETE',
  'ERR_MULTIPART_MALFORMED',
  'ERR_STORE_ID',
  'ERR_STORE_PATH',
  'ERR_STORE_PATH_CHARS',
  'ERR_STORE_PATH_TRAVERSAL',
  'ERR_TASK_TERMINATED',
] as const;

export const PROTOCOL_CODES = [
  'ERR_PROTOCOL',
  'ERR_EVENT_INVALID',
  'ERR_FRAME_HEADER_TOO_LARGE',
  'ERR_FRAME_INVALID',
  'ERR_FRAME_NOT_JSON',
  'ERR_FRAME_NOT_OBJECT',
  'ERR_FRAME_NOT_UTF8',
  'ERR_FRAME_UNEXPECTED',
  'ERR_HTTP_RESPONSE',
  'ERR_HTTP_STATUS',
  'ERR_RECEIVE_FAILED',
] as const;

export const TIMEOUT_CODES = ['ERR_TIMEOUT', 'ERR_CONNECT_TIMEOUT', 'ERR_WRITE_TIMEOUT'] as const;

export const ABORT_CODES = ['ERR_ABORTED', 'ERR_CLIENT_DISCONNECTED'] as const;

export const STORE_CODES = [
  'ERR_STORE_FAILED',
  'ERR_STORE_ABORTED',
  'ERR_STORE_CHANGED',
  'ERR_STORE_EXISTS',
  'ERR_STORE_HANDLE',
  'ERR_STORE_HANDLES',
  'ERR_STORE_IS_DIRECTORY',
  'ERR_STORE_JSON',
  'ERR_STORE_LOCKED',
  'ERR_STORE_NOT_DIRECTORY',
  'ERR_STORE_NOT_EMPTY',
  'ERR_STORE_NOT_FOUND',
  'ERR_STORE_PATH',
  'ERR_STORE_PERMISSION',
  'ERR_STORE_PROTOCOL',
  'ERR_STORE_STATE',
  'ERR_STORE_UNSUPPORTED',
] as const;

/** Codes the HTTP adapters put in a JSON error body without an error object behind them. */
export const HTTP_CODES = ['ERR_INTERNAL', 'ERR_RANGE_NOT_SATISFIABLE', 'ERR_SSE_SLOW_CLIENT'] as const;

export type RocketRideCode = (typeof ROCKETRIDE_CODES)[number];
export type ConnectionErrorCode = (typeof CONNECTION_CODES)[number] | AuthenticationErrorCode;
export type AuthenticationErrorCode = (typeof AUTHENTICATION_CODES)[number];
export type PipeErrorCode = (typeof PIPE_CODES)[number];
export type ExecutionErrorCode = (typeof EXECUTION_CODES)[number];
export type ValidationErrorCode = (typeof VALIDATION_CODES)[number];
export type ProtocolErrorCode = (typeof PROTOCOL_CODES)[number];
export type TimeoutErrorCode = (typeof TIMEOUT_CODES)[number];
export type AbortErrorCode = (typeof ABORT_CODES)[number];
export type StoreErrorCode = (typeof STORE_CODES)[number];
export type HttpErrorCode = (typeof HTTP_CODES)[number];

/** Every code an error of this library can carry. */
export type ErrorCode =
  | RocketRideCode
  | ConnectionErrorCode
  | PipeErrorCode
  | ExecutionErrorCode
  | ValidationErrorCode
  | ProtocolErrorCode
  | TimeoutErrorCode
  | AbortErrorCode
  | StoreErrorCode
  | HttpErrorCode;
