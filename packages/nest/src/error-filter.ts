import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { ERR_CLIENT_DISCONNECTED, type ErrorBody, errorBody, httpStatusOf } from '@rocketride-streams/express';
import { RocketRideError } from 'rocketride-streams';

/** The JSON answer to a library error: Nest's `statusCode`, plus `{ error: { code, message } }` (and `files` for a failed form). */
export type RocketRideErrorResponse = { statusCode: number } & ErrorBody;

/**
 * Answers a library error on the raw Node response, as `{ statusCode, error: { code, message } }`
 * (plus `files` for a failed form) with the status of `httpStatusOf()` of
 * `@rocketride-streams/express`: 400 bad input, 404 a token with no running task, 413 over a limit,
 * 415 a form without busboy, 500 a body already read, 502 engine failure, 503 not connected, 504
 * timeout. A request whose body was not read to its end gets `Connection: close` (the rest of the
 * body is drained, not reused).
 *
 * Nothing is written when the response was already answered (by `onBodyIncomplete`, say), nor for a
 * client that went away (`ERR_CLIENT_DISCONNECTED`); a response already started is destroyed.
 */
export function answerError(req: IncomingMessage, res: ServerResponse, error: RocketRideError): void {
  if (res.writableEnded || res.destroyed) return;
  if (res.headersSent || error.code === ERR_CLIENT_DISCONNECTED) {
    res.destroy();
    return;
  }
  const statusCode = httpStatusOf(error) ?? 500;
  const body: RocketRideErrorResponse = { statusCode, ...errorBody(error) };
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (!req.complete) headers.connection = 'close';
  res.writeHead(statusCode, headers).end(text);
}

/**
 * An exception filter answering every `RocketRideError` (the library's typed errors) with its HTTP
 * status and code, through {@link answerError}; other exceptions are left to Nest. Register it for
 * the whole application (`{ provide: APP_FILTER, useClass: RocketRideErrorFilter }` in a module, or
 * `app.useGlobalFilters(new RocketRideErrorFilter())`), or on a controller with
 * `@UseFilters(RocketRideErrorFilter)`. It answers on Nest's Express platform (the default): it
 * writes to the Node `ServerResponse`.
 */
@Catch(RocketRideError)
export class RocketRideErrorFilter implements ExceptionFilter<RocketRideError> {
  catch(error: RocketRideError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerError(http.getRequest<IncomingMessage>(), http.getResponse<ServerResponse>(), error);
  }
}
