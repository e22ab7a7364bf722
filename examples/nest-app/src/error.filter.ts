import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { errorBody, httpStatusOf } from '@rocketride-streams/express';
import { RocketRideError } from 'rocketride-streams';

/**
 * Answers a RocketRide error as `{ statusCode, error: { code, message } }` (plus `files` for a failed
 * form), with the status of `httpStatusOf`: 400 bad input, 413 over a limit, 415 a form without
 * busboy, 500 a body already read, 502 engine failure, 503 not connected, 504 timeout.
 */
export function answer(req: IncomingMessage, res: ServerResponse, error: RocketRideError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const statusCode = httpStatusOf(error) ?? 500;
  const body = JSON.stringify({ statusCode, ...errorBody(error) });
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  // A body that was not read to its end is drained, not reused: let this connection go.
  if (!req.complete) headers.connection = 'close';
  res.writeHead(statusCode, headers).end(body);
}

@Catch(RocketRideError)
export class RocketRideErrorFilter implements ExceptionFilter<RocketRideError> {
  catch(error: RocketRideError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answer(http.getRequest<IncomingMessage>(), http.getResponse<ServerResponse>(), error);
  }
}
