import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { type EventsOptions, RocketRideError, type RocketRide, ValidationError } from 'rocketride-streams';
import { errorBody } from './http-errors.js';
import type { RequestLike } from './request-info.js';
import { type NextLike, sendError } from './respond.js';
import { sseComment, sseMessage } from './sse-format.js';

/** What `sseHandler` needs from the client: `rocketride.events$()`. */
export type SseClient = Pick<RocketRide, 'events$'>;

/** What `rocketride.events$()` takes: a task token, or an `EventsFilter` (`{ token, types?, pipeId? }`, `{ projectId, source }`). */
export type SseFilter = Parameters<RocketRide['events$']>[0];

/** Name of the SSE message sent when the event stream fails; its data is `{ error: { code, message } }`. */
export const SSE_ERROR_EVENT = 'rocketride_error';

/**
 * Code in the final `rocketride_error` message of a stream whose client stopped reading: more than
 * `maxBufferedBytes` waited in the response, so the handler gave up on the client.
 */
export const ERR_SSE_SLOW_CLIENT = 'ERR_SSE_SLOW_CLIENT';

/** Options of {@link sseHandler}. */
export interface SseHandlerOptions {
  /** Interval of the `: heartbeat` comment that keeps idle connections (and proxies) open, in ms; 0 turns it off. Default 15000. */
  heartbeatMs?: number;
  /**
   * Most bytes that may wait in the response for a client that reads slower than events arrive
   * (`res.writableLength`, what the socket has not yet taken). A message is written while fewer bytes
   * wait; once more do, the stream to that client stops: the handler unsubscribes from `events$` and
   * ends the response with a `rocketride_error` message whose code is `ERR_SSE_SLOW_CLIENT` (or destroys
   * the response when it can no longer be written). Events are never dropped in the middle of a
   * stream: the client's `EventSource` reconnects and resubscribes. `Infinity` turns the limit off
   * (memory then grows without bound for a client that stops reading). Default 1048576 (1 MiB).
   */
  maxBufferedBytes?: number;
  /** Passed to `rocketride.events$()` (e.g. `graceMs`). Default: none. */
  eventsOptions?: EventsOptions;
}

/** A route handler for Express 4 and 5 (and plain `node:http`). */
export type SseRequestHandler<Req extends RequestLike = RequestLike> = (req: Req, res: ServerResponse, next?: NextLike) => void;

/**
 * A route handler that forwards `rocketride.events$(filter)` to the browser as Server-Sent Events:
 * `text/event-stream`, one message per engine event with `event:` = the event name (e.g.
 * `apaevt_status_update`) and `data:` = its body as JSON, and a `: heartbeat` comment every 15 s.
 *
 * When the HTTP client disconnects, the subscription is dropped (the last subscriber's teardown
 * removes the engine subscription). When the event stream completes (the client was disconnected on
 * request), the response ends; when it fails, a `rocketride_error` message with
 * `{ error: { code, message } }` is sent, then the response ends. A client that stops reading is
 * cut off once `maxBufferedBytes` wait for it (`rocketride_error` with `ERR_SSE_SLOW_CLIENT`), so a
 * slow browser cannot make the server buffer events without limit. A filter that cannot be used is
 * answered before the stream starts, as JSON with the mapped status (400 for a malformed filter).
 */
export function sseHandler<Req extends RequestLike = RequestLike>(
  rocketride: SseClient,
  filter: SseFilter | ((req: Req) => SseFilter | Promise<SseFilter>),
  options: SseHandlerOptions = {},
): SseRequestHandler<Req> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new ValidationError('sseHandler: heartbeatMs must be a non-negative number of milliseconds', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  if (typeof maxBufferedBytes !== 'number' || Number.isNaN(maxBufferedBytes) || maxBufferedBytes <= 0) {
    throw new ValidationError('sseHandler: maxBufferedBytes must be a positive number of bytes (Infinity for no limit)', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const filterFor: (req: Req) => SseFilter | Promise<SseFilter> = typeof filter === 'function' ? filter : () => filter;

  return (req, res, next) => {
    start(req, res).catch((error: unknown) => sendError(res, error, next));
  };

  async function start(req: Req, res: ServerResponse): Promise<void> {
    const chosen = await filterFor(req);
    if (res.destroyed) return;
    // events$ validates the filter synchronously, so a bad one is still answered as JSON.
    const events = rocketride.events$(chosen, options.eventsOptions);

    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(sseComment('connected'));

    let heartbeat: NodeJS.Timeout | undefined;
    let subscription: Subscription | undefined;
    let stopped = false;
    // The response can take long to finish after end() (a slow reader still draining it): the
    // heartbeat stops at end(), since a write after it would be an 'error' on the response.
    const stop = (): void => {
      stopped = true;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      subscription?.unsubscribe();
    };
    // Writes while the client keeps up; past the cap, ends the stream rather than buffer without limit.
    const send = (text: string): void => {
      if (stopped) return;
      if (res.writableLength <= maxBufferedBytes) {
        res.write(text);
        return;
      }
      stop();
      if (!res.writableEnded && !res.destroyed) {
        const message = `The client read too slowly: more than ${maxBufferedBytes} bytes of events waited for it`;
        res.end(sseMessage(SSE_ERROR_EVENT, JSON.stringify({ error: { code: ERR_SSE_SLOW_CLIENT, message } })));
      } else {
        res.destroy();
      }
    };
    subscription = events.subscribe({
      next: (event) => send(sseMessage(event.event, JSON.stringify(event.body ?? null))),
      error: (error: unknown) => {
        if (stopped) return;
        stop();
        const body = error instanceof RocketRideError ? errorBody(error) : { error: { code: 'ERR_INTERNAL', message: 'The event stream failed' } };
        res.end(sseMessage(SSE_ERROR_EVENT, JSON.stringify(body)));
      },
      complete: () => {
        if (stopped) return;
        stop();
        res.end();
      },
    });
    // events$ may end (or the cap be crossed) during subscribe(), before `subscription` was set.
    if (stopped || subscription.closed) {
      stop();
      return;
    }
    if (heartbeatMs > 0) heartbeat = setInterval(() => send(sseComment('heartbeat')), heartbeatMs);
    res.once('close', stop);
  }
}
