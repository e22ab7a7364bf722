import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { ConnectionError, ExecutionError, PipeError, RocketRideError, TimeoutError, ValidationError } from 'rocketride-streams';

/** The HTTP status for a RocketRide error: bad input 400, engine failure 502, not connected 503, timeout 504. */
export function httpStatusOf(error: RocketRideError): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof ConnectionError) return 503;
  if (error instanceof TimeoutError) return 504;
  if (error instanceof PipeError || error instanceof ExecutionError) return 502;
  return 500;
}

/** Answers RocketRide errors as `{ statusCode, error: { code, message } }`. */
@Catch(RocketRideError)
export class RocketRideErrorFilter implements ExceptionFilter<RocketRideError> {
  catch(error: RocketRideError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage>();
    const res = http.getResponse<ServerResponse>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const statusCode = httpStatusOf(error);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // A body that was not read to its end is drained, not reused: let this connection go.
    if (!req.complete) headers.connection = 'close';
    res.writeHead(statusCode, headers).end(JSON.stringify({ statusCode, error: { code: error.code, message: error.message } }));
  }
}
