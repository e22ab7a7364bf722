import type { ServerResponse } from 'node:http';
import type { RocketRideError } from 'rocketride-streams';
import { errorBody, httpStatusOf } from './http-errors.js';

/** Express's `next`, or nothing when the handler is mounted on a plain Node server. */
export type NextLike = (error?: unknown) => void;

/** Sends `body` as JSON with `status`; `close` asks the client not to reuse the connection. */
export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  if (close) res.setHeader('connection', 'close');
  res.end(text);
}

/**
 * Answers a failure: a library error as `{ error: { code, message } }` with its mapped status; anything
 * else goes to Express's `next(error)` (the application's error handler), or a bare 500 without one.
 */
export function sendError(res: ServerResponse, error: unknown, next: NextLike | undefined, close = false): void {
  const status = httpStatusOf(error);
  if (status !== undefined) {
    sendJson(res, status, errorBody(error as RocketRideError), close);
    return;
  }
  if (next) {
    next(error);
    return;
  }
  sendJson(res, 500, { error: { code: 'ERR_INTERNAL', message: 'Internal server error' } }, close);
}
