import type { ServerResponse } from 'node:http';
import { type EventsOptions, RocketRideError, type RocketRide } from 'rocketride-streams';
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

/** Options of {@link sseHandler}. */
export interface SseHandlerOptions {
  /** Interval of the `: heartbeat` comment that keeps idle connections (and proxies) open, in ms; 0 turns it off. Default 15000. */
  heartbeatMs?: number;
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
 * `{ error: { code, message } }` is sent, then the response ends. A filter that cannot be used is
 * answered before the stream starts, as JSON with the mapped status (400 for a malformed filter).
 */
export function sseHandler<Req extends RequestLike = RequestLike>(
  rocketride: SseClient,
  filter: SseFilter | ((req: Req) => SseFilter | Promise<SseFilter>),
  options: SseHandlerOptions = {},
): SseRequestHandler<Req> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new RangeError('sseHandler: heartbeatMs must be a non-negative number of milliseconds');
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
    // The response can take long to finish after end() (a slow reader still draining it): the
    // heartbeat stops at end(), since a write after it would be an 'error' on the response.
    const stopHeartbeat = (): void => {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
    };
    const subscription = events.subscribe({
      next: (event) => {
        res.write(sseMessage(event.event, JSON.stringify(event.body ?? null)));
      },
      error: (error: unknown) => {
        stopHeartbeat();
        const body = error instanceof RocketRideError ? errorBody(error) : { error: { code: 'ERR_INTERNAL', message: 'The event stream failed' } };
        res.end(sseMessage(SSE_ERROR_EVENT, JSON.stringify(body)));
      },
      complete: () => {
        stopHeartbeat();
        res.end();
      },
    });
    const stop = (): void => {
      stopHeartbeat();
      subscription.unsubscribe();
    };
    if (subscription.closed) {
      stop();
      return;
    }
    if (heartbeatMs > 0) heartbeat = setInterval(() => res.write(sseComment('heartbeat')), heartbeatMs);
    res.once('close', stop);
  }
}
