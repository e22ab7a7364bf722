import type { DAPResponse } from '../codec/types.js';
import type { RequestOptions } from '../config/options.js';
import { ValidationError } from '../errors/validation-error.js';
import type { RocketRideEvent } from '../schema/events.js';
import type { SSECallback } from '../events/sse-routes.js';

/**
 * The client a pipe is opened through (a `RocketRideClient`): `openPipe()`, `send()`, `chat()` and
 * `sendFiles()` pass their client, as do the streams adapters.
 */
export interface PipeOwner {
  /** Increments on every successful (re)connect. */
  readonly generation: number;
  isConnected(): boolean;
}

/** What the data path needs from its client, beyond the public surface. */
export interface DataHost extends PipeOwner {
  request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>>;
  /** The client's `requestTimeout` in ms (0 = none): pipe timeouts never exceed it when set. */
  readonly requestTimeout: number;
  /** Subscribes to one pipe's SSE events; resolves with the function that ends the subscription. */
  subscribePipeSse(token: string, pipeId: number, callback: SSECallback, signal?: AbortSignal): Promise<() => void>;
  /** The next `Question <n>` number for chat(). */
  nextChatNumber(): number;
  /** Dispatches a client-side event (e.g. an upload's progress) as the engine's are. */
  dispatchEvent(event: RocketRideEvent): void;
  /**
   * Calls `listener` at once whenever the authenticated connection ends (lost, `disconnect()`,
   * `logout()`, re-authentication with another credential), before the public `'disconnected'`
   * event; returns the function that removes it. A `PipeChannel` learns of a lost connection here.
   */
  onConnectionLost(listener: () => void): () => void;
}

// One registry per process, shared by every copy of this module (the public and the internal entry
// are bundled separately, and a process may load both the ESM and the CommonJS build).
const REGISTRY = Symbol.for('rocketride-streams.dataHosts');
const shared = globalThis as Record<symbol, WeakMap<PipeOwner, DataHost> | undefined>;
const hosts: WeakMap<PipeOwner, DataHost> = shared[REGISTRY] ?? new WeakMap();
shared[REGISTRY] = hosts;

/** Called by the client's constructor: the data path reaches its internals through this, never through public members. */
export function registerDataHost(owner: PipeOwner, host: DataHost): void {
  hosts.set(owner, host);
}

/** The data host of a client; a ValidationError `ERR_INVALID_ARGUMENT` for anything that is not a RocketRideClient. */
export function dataHostOf(owner: PipeOwner): DataHost {
  const host = typeof owner === 'object' && owner !== null ? hosts.get(owner) : undefined;
  if (host === undefined) throw new ValidationError('client must be a RocketRideClient', { code: 'ERR_INVALID_ARGUMENT' });
  return host;
}
