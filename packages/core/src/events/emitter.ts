import { RocketRideError } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';
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
  /** A listener (or callback) threw; `code` is `ERR_LISTENER`, `cause` is what it threw. */
  listenerError: RocketRideError;
}

export type ClientEventName = keyof ClientEvents;
export type Listener<K extends ClientEventName> = (payload: ClientEvents[K]) => void;

/** Code of the error that reports an exception thrown by a listener or callback. */
export const ERR_LISTENER = 'ERR_LISTENER';

/** The message of whatever was thrown, without ever throwing itself (a hostile `toString` included). */
function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return thrown.message;
    return typeof thrown === 'string' ? thrown : String(thrown);
  } catch {
    return typeof thrown;
  }
}

/** The `ERR_LISTENER` error for an exception thrown by `where` (e.g. `an "event" listener`). */
export function listenerError(where: string, thrown: unknown): RocketRideError {
  return new RocketRideError(`${where} threw: ${describeThrown(thrown)}`, { code: ERR_LISTENER, cause: thrown });
}

/**
 * The fallback report of a listener error: a process warning, which Node prints to stderr and
 * emits as `process.on('warning')`. Never an uncaught exception, never silence.
 */
function warn(error: RocketRideError): void {
  try {
    process.emitWarning(error);
  } catch {
    // Nothing is left to report to.
  }
}

/**
 * A listener must be a function and the event a name: a careless `on('connected', 42)` was kept and failed at every
 * emit instead of at the call. @throws ValidationError `ERR_INVALID_ARGUMENT`.
 */
function checkListener(name: unknown, listener: unknown, method: string): void {
  if (typeof name !== 'string' || name === '') {
    throw new ValidationError(`${method}(): the event name must be a non-empty string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (typeof listener !== 'function') throw new ValidationError(`${method}(): the listener must be a function`, { code: 'ERR_INVALID_ARGUMENT' });
}

/**
 * A small typed event emitter. Listeners run synchronously in registration order. A listener that
 * throws stops neither the others nor the client: its exception becomes an `ERR_LISTENER` error,
 * emitted as `'listenerError'` when something listens to that, else (and when a `'listenerError'`
 * listener throws itself) issued as a process warning (`process.emitWarning`).
 */
export class TypedEmitter {
  private readonly listeners: { [K in ClientEventName]?: Array<Listener<K>> } = {};

  on<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    checkListener(name, listener, 'on');
    const list = this.listeners[name] as Array<Listener<K>> | undefined;
    if (list === undefined) (this.listeners as Record<string, unknown>)[name] = [listener];
    else list.push(listener);
    return this;
  }

  off<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    checkListener(name, listener, 'off');
    const list = this.listeners[name] as Array<Listener<K>> | undefined;
    if (list === undefined) return this;
    const i = list.lastIndexOf(listener);
    if (i !== -1) list.splice(i, 1);
    return this;
  }

  once<K extends ClientEventName>(name: K, listener: Listener<K>): this {
    checkListener(name, listener, 'once');
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
    for (const listener of list.length === 1 ? list : [...list]) {
      try {
        listener(payload);
      } catch (thrown) {
        this.reportListenerError(`a "${name}" listener`, thrown, name === 'listenerError');
      }
    }
  }

  /**
   * Reports an exception thrown by user code the client called (`where` names it): on
   * `'listenerError'`, else as a process warning. `fromListenerError` avoids a loop.
   */
  protected reportListenerError(where: string, thrown: unknown, fromListenerError = false): void {
    const error = listenerError(where, thrown);
    if (!fromListenerError && this.hasListeners('listenerError')) this.emit('listenerError', error);
    else warn(error);
  }
}

/**
 * Calls an options callback (`onEvent`, `onConnected`, …). An exception it throws is issued as a
 * process warning (`ERR_LISTENER`); it never reaches the caller, so client state stays consistent.
 */
export function safeCall<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (fn === undefined) return;
  try {
    fn(...args);
  } catch (thrown) {
    warn(listenerError(callbackName(fn), thrown));
  }
}

/** `the onEvent callback` (a function's name is inferred from the option it was written in), or `a callback`. */
function callbackName(fn: (...args: never) => unknown): string {
  try {
    return typeof fn.name === 'string' && fn.name !== '' ? `the ${fn.name} callback` : 'a callback';
  } catch {
    return 'a callback';
  }
}
