import type { RocketRideError } from '../errors/rocketride-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RocketRideEvent } from '../schema/events.js';

/** Payload of the `'connected'` event. */
export interface ConnectedInfo {
  result: ConnectResult;
  /** The client's generation after this connect (see `RocketRideClient.generation`). */
  generation: number;
}

/** Payload of the `'disconnected'` event. */
export interface DisconnectedInfo {
  reason: string;
  hasError: boolean;
  /** The generation of the connection that was lost. */
  generation: number;
}

/** Payload of the `'reconnecting'` event (persist mode). */
export interface ReconnectingInfo {
  /** 1 for the first attempt after a loss. */
  attempt: number;
  /** Delay before this attempt, in ms. */
  delay: number;
}

/** The client's events and their payloads. */
export interface ClientEvents {
  connected: ConnectedInfo;
  disconnected: DisconnectedInfo;
  reconnecting: ReconnectingInfo;
  connectError: RocketRideError;
  event: RocketRideEvent;
  protocolError: RocketRideError;
}

export type ClientEventName = keyof ClientEvents;
export type Listener<K extends ClientEventName> = (payload: ClientEvents[K]) => void;

/**
 * A small typed event emitter. Listeners run synchronously in registration order; a listener that
 * throws does not stop the others nor disturb the client: its error is rethrown asynchronously.
 */
export class TypedEmitter {
  private readonly listeners: { [K in ClientEventName]?: Array<Listener<K>> } = {};

  on<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    const list = this.listeners[name] as Array<Listener<K>> | undefined;
    if (list === undefined) (this.listeners as Record<string, unknown>)[name] = [listener];
    else list.push(listener);
    return this;
  }

  off<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    const list = this.listeners[name] as Array<Listener<K>> | undefined;
    if (list === undefined) return this;
    const i = list.lastIndexOf(listener);
    if (i !== -1) list.splice(i, 1);
    return this;
  }

  once<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    const wrapper: Listener<K> = (payload) => {
      this.off(name, wrapper);
      listener(payload);
    };
    return this.on(name, wrapper);
  }

  /** How many listeners `name` has (used to check that nothing outlives its subscriber). */
  listenerCount(name: ClientEventName): number {
    return this.listeners[name]?.length ?? 0;
  }

  /** Whether anything listens to `name`. */
  hasListeners(name: ClientEventName): boolean {
    return (this.listeners[name]?.length ?? 0) > 0;
  }

  protected emit<K extends ClientEventName>(name: K, payload: ClientEvents[K]): void {
    const list = this.listeners[name] as Array<Listener<K>> | undefined;
    if (list === undefined || list.length === 0) return;
    for (const listener of list.length === 1 ? list : [...list]) safeCall(listener, payload);
  }
}

/** Calls a user callback; an exception is rethrown asynchronously so client state stays consistent. */
export function safeCall<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (fn === undefined) return;
  try {
    fn(...args);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
