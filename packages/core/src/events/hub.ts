import type { DAPResponse } from '../codec/types.js';
import type { ClientOptions, RequestOptions } from '../config/options.js';
import type { ProtocolError } from '../errors/protocol-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RocketRideEvent } from '../schema/events.js';
import { setEvents } from '../commands/events.js';
import { guardAccountEvent } from '../connection/redaction.js';
import type { PendingRequests } from '../transport/pending.js';
import { safeCall } from './emitter.js';
import { type InboundHost, receiveFrame } from './inbound.js';
import { MonitorSync } from './monitor-sync.js';
import { SseRoutes, type SSECallback } from './sse-routes.js';
import { TaskScopes } from './task-scopes.js';

/** What the event side needs from the client that owns it. */
export interface EventHost {
  /** The client's options; its hooks (`onEvent`, `onDebugMessage`, `onProtocolMessage`) are read per use. */
  readonly options: ClientOptions;
  readonly pending: PendingRequests;
  request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>>;
  isConnected(): boolean;
  willReconnect(): boolean;
  /** An `apaext_account` event: the session's new identity. */
  account(body: ConnectResult): void;
  emitEvent(event: RocketRideEvent): void;
  emitProtocolError(error: ProtocolError | RocketRideError): void;
  reportListenerError(where: string, thrown: unknown): void;
}

/**
 * Everything that comes in from the engine, in one place: the frame dispatcher (responses to the
 * request manager, events to the listeners), the monitor subscriptions and their replay, the per-pipe
 * SSE routes and the one token → project/source cache they share.
 */
export class EventHub {
  readonly scopes: TaskScopes;
  readonly monitors: MonitorSync;
  readonly #sseRoutes = new SseRoutes();
  readonly #inbound: InboundHost;

  constructor(private readonly host: EventHost) {
    this.scopes = new TaskScopes((command, args, options) => host.request(command, args, options));
    this.monitors = new MonitorSync(
      {
        isConnected: () => host.isConnected(),
        willReconnect: () => host.willReconnect(),
        request: (command, args, opts) => host.request(command, args, opts),
        replayRefused: (error) => host.emitProtocolError(error),
        debug: (line) => {
          if (host.options.onDebugMessage !== undefined) this.debug(line);
        },
      },
      this.scopes,
    );
    this.#inbound = {
      pending: host.pending,
      sseRoutes: this.#sseRoutes,
      protocolMessage: () => host.options.onProtocolMessage,
      debug: () => (host.options.onDebugMessage === undefined ? undefined : (line) => this.debug(line)),
      protocolError: (error) => host.emitProtocolError(error),
      account: (body) => host.account(body),
      dispatch: (event) => this.dispatch(event),
      listenerError: (where, thrown) => host.reportListenerError(where, thrown),
    };
  }

  /** A frame from the current connection. */
  receive(data: Buffer, isBinary: boolean): void {
    receiveFrame(this.#inbound, data, isBinary);
  }

  /** Dispatches an event to `onEvent` and the `'event'` listeners. */
  dispatch(event: RocketRideEvent): void {
    event = guardAccountEvent(event);
    safeCall(this.host.options.onEvent, event);
    this.host.emitEvent(event);
  }

  /** Records what a `use()` or status result says about a token. */
  learn(token: string, projectId: unknown, source: unknown): void {
    this.scopes.learn(token, projectId, source);
  }

  debug(line: string): void {
    safeCall(this.host.options.onDebugMessage, line);
  }

  /**
   * Subscribes to one pipe's SSE events and routes them, by task and pipe id, to `callback`. Uses a
   * ref-counted monitor on `{ projectId, source, pipeId }` when the task's project/source is known or
   * can be looked up, else `rrext_monitor { token, pipeId }` directly (e.g. a `pk_` connection without
   * `task.monitor`). Resolves with the function that ends both.
   */
  async subscribePipeSse(token: string, pipeId: number, callback: SSECallback, signal?: AbortSignal): Promise<() => void> {
    const scope = this.scopes.get(token) ?? (await this.scopes.lookup(token, signal));
    if (scope !== undefined) {
      const key = { projectId: scope.projectId, source: scope.source, pipeId };
      const unroute = this.#sseRoutes.add(token, scope.source, pipeId, callback);
      try {
        await this.monitors.add(key, ['SSE'], signal);
      } catch (error) {
        unroute();
        throw error;
      }
      return () => {
        unroute();
        this.monitors.remove(key, ['SSE']).catch((error: Error) => this.debug(`SSE unsubscribe failed: ${error.message}`));
      };
    }
    const unroute = this.#sseRoutes.add(token, undefined, pipeId, callback);
    try {
      await setEvents(this.host, token, ['SSE'], { signal, pipeId });
    } catch (error) {
      unroute();
      throw error;
    }
    return () => {
      unroute();
      if (!this.host.isConnected()) return;
      setEvents(this.host, token, [], { pipeId }).catch((error: Error) => this.debug(`SSE unsubscribe failed: ${error.message}`));
    };
  }
}
