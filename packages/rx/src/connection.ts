import type { ConnectedInfo, DisconnectedInfo, ReconnectingInfo, RocketRideClient, RocketRideError } from '@rocketride-streams/core';
import { Observable, shareReplay } from 'rxjs';
import { sharedFor } from './registry.js';
import { checkClient } from './arguments.js';

/** The client's connection state, as `connection$` reports it. */
export type ConnectionState =
  /** An attempt is in progress (reported when subscribing during the first connect). */
  | { state: 'connecting' }
  | { state: 'connected'; generation: number }
  /**
   * Not connected. `error` is set when a connect attempt failed for good (auth rejected, gave up,
   * no persist mode); `reason` is the close reason or the error's message; `'Not connected'` before
   * the first connect.
   */
  | { state: 'disconnected'; reason: string; hasError: boolean; error?: RocketRideError }
  /** Persist mode: attempt `attempt` starts after `delay` ms; `reason`/`error` say why the last one failed. */
  | { state: 'reconnecting'; attempt: number; delay: number; reason: string; error?: RocketRideError };

function current(client: RocketRideClient): ConnectionState {
  const info = client.getConnectionInfo();
  switch (info.state) {
    case 'open':
      return { state: 'connected', generation: info.generation };
    case 'connecting':
      return { state: 'connecting' };
    case 'reconnecting':
      return { state: 'reconnecting', attempt: 0, delay: 0, reason: 'Reconnecting' };
    default:
      return { state: 'disconnected', reason: 'Not connected', hasError: false };
  }
}

/**
 * The connection state of `client`: its current state at once (like a `BehaviorSubject`), then every
 * change. Never errors or completes; the gap of a reconnect shows as `disconnected` followed by
 * `reconnecting` steps and a `connected` with the next generation. Core has no event for the start of
 * an attempt, so reconnect attempts stay `reconnecting` until they succeed.
 */
export function connection$(client: RocketRideClient): Observable<ConnectionState> {
  checkClient(client, 'connection$');
  return sharedFor(client, 'connection', (lifecycle) =>
    new Observable<ConnectionState>((subscriber) => {
      lifecycle.claim();
      let lastReason = 'Connection lost';
      let lastError: RocketRideError | undefined;
      let active = true;
      const onConnected = ({ generation }: ConnectedInfo) => {
        lastError = undefined;
        subscriber.next({ state: 'connected', generation });
      };
      const onDisconnected = ({ reason, hasError }: DisconnectedInfo) => {
        lastReason = reason;
        subscriber.next({ state: 'disconnected', reason, hasError });
      };
      const onReconnecting = ({ attempt, delay }: ReconnectingInfo) => {
        subscriber.next({
          state: 'reconnecting',
          attempt,
          delay,
          reason: lastReason,
          ...(lastError === undefined ? {} : { error: lastError }),
        });
      };
      const onConnectError = (error: RocketRideError) => {
        lastError = error;
        lastReason = error.message;
        // The client schedules a retry right after this event; report a final failure only.
        queueMicrotask(() => {
          if (!active) return;
          const state = client.getConnectionInfo().state;
          if (state !== 'idle') return;
          // disconnect() during a reconnect is a requested end, not a failure.
          if (error.code === 'ERR_DISCONNECTED') subscriber.next({ state: 'disconnected', reason: error.message, hasError: false });
          else subscriber.next({ state: 'disconnected', reason: error.message, hasError: true, error });
        });
      };
      subscriber.next(current(client));
      client.on('connected', onConnected);
      client.on('disconnected', onDisconnected);
      client.on('reconnecting', onReconnecting);
      client.on('connectError', onConnectError);
      return () => {
        active = false;
        client.off('connected', onConnected);
        client.off('disconnected', onDisconnected);
        client.off('reconnecting', onReconnecting);
        client.off('connectError', onConnectError);
        lifecycle.release();
      };
    }).pipe(shareReplay({ bufferSize: 1, refCount: true })),
  );
}
