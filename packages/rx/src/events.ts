import { readArgument, type RocketRideClient, RocketRideError, type RocketRideEvent, ValidationError } from '@rocketride-streams/core';
import { Observable, share, timer } from 'rxjs';
import { type EventsFilter, type NormalizedFilter, normalizeFilter } from './filter.js';
import { sharedFor } from './registry.js';
import { watchTerminal } from './terminal.js';
import { checkStreamOptions } from './arguments.js';

/** Default grace period before the last unsubscribe removes the server subscription, in ms. */
export const DEFAULT_GRACE_MS = 250;

/** Options of `events$` and the streams built on it. */
export interface EventsOptions {
  /**
   * How long the server subscription (and the shared stream) is kept after the last subscriber
   * leaves, so a quick resubscribe reuses it; 0 removes it at once. Default 250 ms.
   */
  graceMs?: number;
  /**
   * Receives failures that cannot reach a subscriber, such as a failed `rrext_monitor` remove after
   * everyone unsubscribed. Default: ignored.
   */
  onError?: (error: RocketRideError) => void;
}

/**
 * Hands `error` to `options.onError`. An exception that callback throws must not escape into the
 * client's event path or a promise chain: it is issued as a process warning (`ERR_LISTENER`), as core
 * does with a throwing listener.
 */
export function reportError(options: EventsOptions, error: RocketRideError): void {
  try {
    options.onError?.(error);
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : typeof thrown;
    process.emitWarning(new RocketRideError(`the onError callback threw: ${message}`, { code: 'ERR_LISTENER', cause: thrown }));
  }
}

/**
 * The source of one shared subscription: listens to the client's events, then adds the server
 * subscription; on teardown stops listening and removes it (once the add has settled).
 */
function monitorSource(
  client: RocketRideClient,
  filter: NormalizedFilter,
  options: EventsOptions,
  lifecycle: { claim(): void; release(): void },
): Observable<RocketRideEvent> {
  return new Observable<RocketRideEvent>((subscriber) => {
    lifecycle.claim();
    const match = filter.matcher();
    let closed = false;
    // Listen first: catch-up events are written before the rrext_monitor reply.
    const onEvent = (event: RocketRideEvent) => {
      if (match(event)) subscriber.next(event);
    };
    client.on('event', onEvent);
    const stopWatching = watchTerminal(client, {
      complete: () => subscriber.complete(),
      error: (error) => subscriber.error(error),
    });

    const report = (error: unknown) => reportError(options, error as RocketRideError);
    let added: Promise<boolean>;
    try {
      // Core keeps a registration cut off by a transient drop in persist mode (the replay sends it)
      // and resolves; a rejection means nothing is registered.
      added = client.addMonitor(filter.key, filter.types).then(
        () => true,
        (error: RocketRideError) => {
          if (!closed) {
            if (error.code === 'ERR_DISCONNECTED') subscriber.complete();
            else subscriber.error(error);
          }
          return false;
        },
      );
    } catch (error) {
      added = Promise.resolve(false);
      subscriber.error(error);
    }

    return () => {
      closed = true;
      client.off('event', onEvent);
      stopWatching();
      lifecycle.release();
      added.then((ok) => {
        if (ok) client.removeMonitor(filter.key, filter.types).catch(report);
      }, report);
    };
  });
}

/**
 * The engine's events for a task (or a project/source, or `token: '*'`), as a hot, shared
 * Observable. The first subscriber adds the `rrext_monitor` subscription; the last unsubscribe
 * removes it after `graceMs`. Subscribers with the same filter on the same client share one
 * server subscription and one listener. Events arrive synchronously in the order the socket
 * delivered them; a subscriber that joins a running shared stream gets the events from then on (the
 * engine's catch-up went to the first one: use `status$` for a replayed latest status).
 *
 * The stream survives transient drops in persist mode (the client replays its subscriptions after
 * the reconnect). It completes when the client is disconnected on request, and errors on terminal
 * failures: an `AuthenticationError` when a re-auth is rejected, `ERR_RECONNECT_GAVE_UP`,
 * `ERR_CONNECTION_LOST` when the socket drops without persist mode, or the engine's refusal of the
 * subscription (`ERR_MONITOR`, e.g. an unknown token).
 *
 * @throws ValidationError (`ERR_INVALID_ARGUMENT`) for a malformed filter, synchronously.
 */
export function events$(client: RocketRideClient, filter: EventsFilter, options: EventsOptions = {}): Observable<RocketRideEvent> {
  checkStreamOptions(options, 'events$');
  const normalized = readArgument('events$: filter', () => normalizeFilter(filter));
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!Number.isFinite(grace) || grace < 0) {
    throw new ValidationError('graceMs must be a non-negative number', { code: 'ERR_INVALID_OPTION' });
  }
  return sharedFor(client, `events\u0000${normalized.id}\u0000${grace}`, (lifecycle) =>
    monitorSource(client, normalized, options, lifecycle).pipe(
      share({ resetOnRefCountZero: grace === 0 ? true : () => timer(grace) }),
    ),
  );
}
