import { ConnectionError, RocketRideError, TimeoutError, ValidationError } from 'rocketride-streams';

/** Code of the error raised when a request body exceeds the handler's `limit`. */
export const ERR_PAYLOAD_TOO_LARGE = 'ERR_PAYLOAD_TOO_LARGE';

/** The JSON body of every error answer: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * The HTTP status for a library error:
 *
 * | error | status |
 * | --- | --- |
 * | `ERR_PAYLOAD_TOO_LARGE` (the configured `limit`) | 413 |
 * | `ValidationError` (bad input: invalid UTF-8 in a `text/*` body, empty token…) | 400 |
 * | `ConnectionError` (engine not connected, connection lost) | 503 |
 * | `TimeoutError` | 504 |
 * | `PipeError`, `ExecutionError`, `ProtocolError`, `AuthenticationError`, any other `RocketRideError` | 502 |
 *
 * Returns `undefined` for anything that is not a `RocketRideError` (a bug in the application, say).
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof RocketRideError)) return undefined;
  if (error.code === ERR_PAYLOAD_TOO_LARGE) return 413;
  if (error instanceof ValidationError) return 400;
  if (error instanceof ConnectionError) return 503;
  if (error instanceof TimeoutError) return 504;
  // PipeError, ExecutionError, ProtocolError, AuthenticationError and the rest: the engine failed us.
  return 502;
}

/** `{ error: { code, message } }` for an error. */
export function errorBody(error: RocketRideError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}
