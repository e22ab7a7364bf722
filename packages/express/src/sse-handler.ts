import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import { type EventsOptions, RocketRideError, type RocketRide, type TaskStatus, ValidationError } from 'rocketride-streams';
import { errorBody } from './http-errors.js';
import type { RequestLike } from './request-info.js';
import { type NextLike, sendError } from './respond.js';
import { sseComment, sseMessage, sseRetry } from './sse-format.js';
import { lastEventIdOf, newStreamId, precheck } from './sse-precheck.js';

/** What `sseHandler` needs from the client: `events$()`, plus `isConnected()` and `getTaskStatus()` for the checks before answering. */
export type SseClient = Pick<RocketRide, 'events$' | 'getTaskStatus' | 'isConnected'>;

/** What `rocketride.events$()` takes: a task token, or an `EventsFilter` (`{ token, types?, pipeId? }`, `{ projectId, source }`). */
export type SseFilter = Parameters<RocketRide['events$']>[0];

/** Name of the SSE message sent when the event stream fails; its data is `{ error: { code, message } }`. */
export const SSE_ERROR_EVENT = 'rocketride_error';

/**
 * Name of the last message of a stream that is over for good: the page should `close()` its
 * `EventSource` instead of letting it reconnect. Its data is `{ reason: 'complete' }` (the server's
 * client was disconnected on request) or `{ reason: 'error', error: { code, message } }` (after the
 * `rocketride_error` message).
 */
export const SSE_END_EVENT = 'rocketride_end';

/**
 * Name of the first message of a stream opened by a reconnecting `EventSource` (one that sent
 * `Last-Event-ID`): the events after `lastEventId` were not replayed (the handler keeps no history),
 * so the page should resynchronise. Data: `{ lastEventId, status? }`, `lastEventId` being `null`
 * when the header was not an id of this handler, `status` the task's current TASK_STATUS (the body
 * of an `apaevt_status_update`) when the filter names one task.
 */
export const SSE_GAP_EVENT = 'rocketride_gap';

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
   * Sent as the stream's `retry:` field: how long the browser's `EventSource` waits before it
   * reconnects after the connection dropped (or after `ERR_SSE_SLOW_CLIENT`), in ms. Default 3000.
   */
  retryMs?: number;
  /**
   * Most bytes that may wait in the response for a client that reads slower than events arrive
   * (`res.writableLength`, what the socket has not yet taken). A message is written while fewer bytes
   * wait; once more do, the stream to that client stops: the handler unsubscribes from `events$` and
   * ends the response with a `rocketride_error` message whose code is `ERR_SSE_SLOW_CLIENT` (or destroys
   * the response when it can no longer be written). Events are never dropped in the middle of a
   * stream: the client's `EventSource` reconnects and resubscribes (and is told of the gap).
   * `Infinity` turns the limit off (memory then grows without bound for a client that stops
   * reading). Default 1048576 (1 MiB).
   */
  maxBufferedBytes?: number;
  /** Passed to `rocketride.events$()` (e.g. `graceMs`). Default: none. */
  eventsOptions?: EventsOptions;
}

/** A route handler for Express 4 and 5 (and plain `node:http`). */
export type SseRequestHandler<Req extends RequestLike = RequestLike> = (req: Req, res: ServerResponse, next?: NextLike) => void;

/**
 * A route handler that forwards `rocketride.events$(filter)` to the browser as Server-Sent Events.
 *
 * Before answering, it checks what would otherwise fail once the stream has started, and answers it
 * as JSON with the mapped status instead (an `EventSource` stops on a status other than 200, rather
 * than reconnecting forever): 400 for a malformed filter from `filter(req)`, 503 when the engine is
 * not connected, 404 (`ERR_TASK_NOT_FOUND`) for a token that names no running task. A fixed filter
 * is checked at once: a malformed one, or bad options, throw a `ValidationError` (`ERR_INVALID_ARGUMENT`).
 *
 * Then: `text/event-stream` with a `retry:` field, one message per engine event with `id:`
 * (`<stream>.<n>`, a per-stream counter), `event:` the event name (e.g. `apaevt_status_update`) and
 * `data:` its body as JSON, and a `: heartbeat` comment every 15 s. A reconnecting `EventSource`
 * (`Last-Event-ID`) first gets a `rocketride_gap` message: nothing is replayed.
 *
 * When the HTTP client disconnects, the subscription is dropped (the last subscriber's teardown
 * removes the engine subscription). When the event stream fails (the engine refused the
 * subscription, the connection was lost for good), a `rocketride_error` message is sent; then, and
 * when the event stream completes (the client was disconnected on request), a final `rocketride_end`
 * message tells the page to close its `EventSource`, and the response ends. A client that stops
 * reading is cut off once `maxBufferedBytes` wait for it (`rocketride_error` with
 * `ERR_SSE_SLOW_CLIENT`, without `rocketride_end`: its `EventSource` reconnects).
 */
export function sseHandler<Req extends RequestLike = RequestLike>(
  rocketride: SseClient,
  filter: SseFilter | ((req: Req) => SseFilter | Promise<SseFilter>),
  options: SseHandlerOptions = {},
): SseRequestHandler<Req> {
  const heartbeatMs = milliseconds('heartbeatMs', options.heartbeatMs, 15_000);
  const retryMs = milliseconds('retryMs', options.retryMs, 3000);
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  if (typeof maxBufferedBytes !== 'number' || Number.isNaN(maxBufferedBytes) || maxBufferedBytes <= 0) {
    throw new ValidationError('sseHandler: maxBufferedBytes must be a positive number of bytes (Infinity for no limit)', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const { eventsOptions } = options;
  if (eventsOptions !== undefined && (typeof eventsOptions !== 'object' || eventsOptions === null)) {
    throw new ValidationError('sseHandler: eventsOptions must be an object', { code: 'ERR_INVALID_ARGUMENT' });
  }
  // A fixed filter is checked now (events$ validates it without subscribing); one chosen per request, when it is chosen.
  if (typeof filter !== 'function') rocketride.events$(filter, eventsOptions);
  const filterFor: (req: Req) => SseFilter | Promise<SseFilter> = typeof filter === 'function' ? filter : () => filter;

  return (req, res, next) => {
    start(req, res).catch((error: unknown) => sendError(res, error, next));
  };

  async function start(req: Req, res: ServerResponse): Promise<void> {
    const chosen = await filterFor(req);
    if (res.destroyed) return;
    // events$ validates the filter synchronously, so a bad one is still answered as JSON.
    const events = rocketride.events$(chosen, eventsOptions);
    const lastEventId = lastEventIdOf(req);
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    res.once('close', onClose);
    let status: TaskStatus | undefined;
    try {
      status = await precheck(rocketride, chosen, gone.signal);
    } finally {
      res.off('close', onClose);
    }
    if (res.destroyed) return;

    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(`${sseRetry(retryMs)}${sseComment('connected')}`);

    const streamId = newStreamId();
    let counter = 0;
    const message = (event: string, data: unknown): string => sseMessage(event, JSON.stringify(data ?? null), `${streamId}.${++counter}`);
    if (lastEventId !== undefined) res.write(message(SSE_GAP_EVENT, status === undefined ? { lastEventId } : { lastEventId, status }));

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
    const send = (text: () => string): void => {
      if (stopped) return;
      if (res.writableLength <= maxBufferedBytes) {
        res.write(text());
        return;
      }
      stop();
      if (!res.writableEnded && !res.destroyed) {
        const error = { code: ERR_SSE_SLOW_CLIENT, message: `The client read too slowly: more than ${maxBufferedBytes} bytes of events waited for it` };
        res.end(message(SSE_ERROR_EVENT, { error }));
      } else {
        res.destroy();
      }
    };
    subscription = events.subscribe({
      next: (event) => send(() => message(event.event, event.body)),
      error: (error: unknown) => {
        if (stopped) return;
        stop();
        const body = error instanceof RocketRideError ? errorBody(error) : { error: { code: 'ERR_INTERNAL', message: 'The event stream failed' } };
        res.end(message(SSE_ERROR_EVENT, body) + message(SSE_END_EVENT, { reason: 'error', ...body }));
      },
      complete: () => {
        if (stopped) return;
        stop();
        res.end(message(SSE_END_EVENT, { reason: 'complete' }));
      },
    });
    // events$ may end (or the cap be crossed) during subscribe(), before `subscription` was set.
    if (stopped || subscription.closed) {
      stop();
      return;
    }
    if (heartbeatMs > 0) heartbeat = setInterval(() => send(() => sseComment('heartbeat')), heartbeatMs);
    res.once('close', stop);
  }
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(`sseHandler: ${name} must be a non-negative number of milliseconds`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return value;
}
