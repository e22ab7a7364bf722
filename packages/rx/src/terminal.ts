import {
  AuthenticationError,
  ConnectionError,
  REASON_LOGGED_OUT,
  REASON_REQUESTED,
  type RocketRideClient,
  type RocketRideError,
} from '@rocketride-streams/core';

/** How a stream ends when its client can no longer deliver events. */
export interface TerminalHandlers {
  /** The client was disconnected (`disconnect()`, also during a reconnect attempt) or logged out on request. */
  complete(): void;
  /** A terminal failure: auth rejected, reconnecting gave up, or a loss without persist mode. */
  error(error: RocketRideError): void;
}

function willRetry(client: RocketRideClient): boolean {
  const state = client.getConnectionInfo().state;
  return state === 'reconnecting' || state === 'connecting' || state === 'open';
}

/**
 * Watches `client` for terminal failures; a transient drop (persist mode, reconnect scheduled) is
 * ignored. The client decides whether to retry right after emitting `disconnected`/`connectError`,
 * so the decision is read one microtask later. Returns the function that stops watching.
 */
export function watchTerminal(client: RocketRideClient, handlers: TerminalHandlers): () => void {
  let active = true;
  const later = (fn: () => void) =>
    queueMicrotask(() => {
      if (active) fn();
    });
  const onDisconnected = ({ reason }: { reason: string }) => {
    if (reason === REASON_REQUESTED || reason === REASON_LOGGED_OUT) {
      handlers.complete();
      return;
    }
    later(() => {
      if (!willRetry(client)) {
        handlers.error(new ConnectionError(`Connection lost: ${reason}`, { code: 'ERR_CONNECTION_LOST' }));
      }
    });
  };
  const onConnectError = (error: RocketRideError) => {
    if (error.code === 'ERR_DISCONNECTED') {
      handlers.complete();
      return;
    }
    if (error instanceof AuthenticationError) {
      handlers.error(error);
      return;
    }
    later(() => {
      if (!willRetry(client)) handlers.error(error);
    });
  };
  client.on('disconnected', onDisconnected);
  client.on('connectError', onConnectError);
  return () => {
    active = false;
    client.off('disconnected', onDisconnected);
    client.off('connectError', onConnectError);
  };
}
