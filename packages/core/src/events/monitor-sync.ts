import type { DAPResponse } from '../codec/types.js';
import type { RequestOptions } from '../config/options.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { abortError, untilAborted } from '../transport/pending.js';
import { responseError } from '../config/checks.js';
import { type MonitorKey, MonitorRegistry, opaqueEngineKey, projectEngineKey, type Registration } from './monitors.js';
import { TaskScopes } from './task-scopes.js';

/** What the monitor sync needs from the client. */
export interface MonitorHost {
  isConnected(): boolean;
  /** Whether a lost connection will be re-established (persist mode, not disconnected on request, not given up). */
  willReconnect(): boolean;
  request(command: string, args: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse>;
  /** A replayed subscription was refused (reported as `protocolError`). */
  replayRefused(error: RocketRideError): void;
  debug(line: string): void;
}

/** What this connection's engine holds for one engine key, as far as the client knows. */
interface Sent {
  /** The last union sent; null when unknown (a send failed without a verdict). */
  types: string[] | null;
  /** The scope arguments last used for the key (needed to clear it once nobody subscribes). */
  address: Record<string, unknown>;
  /** The send of `types`, while it may still be in flight. */
  last?: Promise<void>;
}

/** Connection failures after which the connection (and with it the engine's subscriptions) is gone. */
const TRANSIENT = new Set(['ERR_CONNECTION_LOST', 'ERR_SEND_FAILED', 'ERR_NOT_CONNECTED']);

function isTransient(error: unknown): boolean {
  return error instanceof ConnectionError && TRANSIENT.has(error.code);
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

function notConnected(): ConnectionError {
  return new ConnectionError('Not connected: the subscription is sent at the next connect', {
    code: 'ERR_NOT_CONNECTED',
    command: 'rrext_monitor',
  });
}

/**
 * Keeps the engine's `rrext_monitor` state in line with the registry: per ENGINE key, the union of
 * every subscriber's types. A task token is resolved to its project/source before its first send
 * (from `use()`/`getTaskStatus` results seen, else one `rrext_get_task_status`), so token and
 * project subscribers of one task share a key. The state is per connection and replayed after every
 * successful (re)authentication.
 */
export class MonitorSync {
  readonly registry: MonitorRegistry;
  /** Engine state of the current connection; replaced on every (re)connect. */
  private sent = new Map<string, Sent>();
  /** Token resolutions in flight on the current connection. */
  private resolving = new Map<string, Promise<string>>();

  /** `scopes`: the client's token → project/source cache (its own when not given). */
  constructor(
    private readonly host: MonitorHost,
    scopes: TaskScopes = new TaskScopes((command, args, options) => host.request(command, args, options)),
  ) {
    this.registry = new MonitorRegistry(scopes);
  }

  /** Records what a `use()` or status result says about a token. */
  learn(token: string, projectId: unknown, source: unknown): void {
    this.registry.learn(token, projectId, source);
  }

  /**
   * Adds a subscriber. Resolves once the engine holds the union for the key, or at once when not
   * connected (sent at the next connect). On a transient connection failure while the client is
   * going to reconnect, the registration is kept (the replay sends it) and the call resolves. It is
   * undone, and the call rejects, when the engine refuses it, when the call times out or is aborted,
   * or when the client will not reconnect.
   */
  async add(key: MonitorKey, types: readonly string[], signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal, 'Monitor subscription');
    const registration = this.registry.add(key, types);
    if (!this.host.isConnected()) return;
    try {
      const engineKey = await untilAborted(this.engineKeyFor(registration, key), signal, 'Monitor subscription');
      await this.flush(engineKey, { signal, join: true });
    } catch (error) {
      if (isTransient(error) && this.host.willReconnect()) {
        this.host.debug(`monitor add kept for the replay: ${(error as Error).message}`);
        return;
      }
      this.undo(registration);
      throw error;
    }
  }

  /** Removes a subscriber; the engine is told when the union of its engine key changes. */
  async remove(key: MonitorKey, types: readonly string[], signal?: AbortSignal): Promise<void> {
    const engineKey = this.registry.remove(key, types);
    if (engineKey === undefined || !this.host.isConnected()) return;
    await this.flush(engineKey, { signal, join: false });
  }

  /** After a successful (re)authentication: the engine holds nothing; send every key's union. */
  replay(): void {
    this.sent = new Map();
    this.resolving = new Map();
    const report = (error: unknown) => {
      if (error instanceof RocketRideError && error.code === 'ERR_MONITOR_REPLAY') this.host.replayRefused(error);
      else this.host.debug(`monitor replay failed: ${(error as Error).message}`);
    };
    for (const engineKey of this.registry.engineKeys()) {
      this.flush(engineKey, { join: false, replay: true }).catch(report);
    }
    for (const token of this.registry.unboundTokens()) {
      this.resolve(token)
        .then((engineKey) => this.flush(this.registry.engineKeyOf({ token }) ?? engineKey, { join: false, replay: true }))
        .catch(report);
    }
  }

  /** The current engine key of a registration, resolving its token first when needed. */
  private async engineKeyFor(registration: Registration, key: MonitorKey): Promise<string> {
    const known = this.registry.engineKeyOf(key);
    if (known !== undefined) return known;
    const token = registration.token as string;
    const resolved = await this.resolve(token);
    return this.registry.engineKeyOf(key) ?? resolved;
  }

  /**
   * Finds the project/source of a token with one `rrext_get_task_status` (shared by concurrent
   * callers) and binds the token's subscribers to it. When the engine does not say (unknown token, or
   * no `task.monitor` permission, as with `pk_` credentials), the token becomes a key of its own: the
   * `rrext_monitor` for it then gets the engine's own verdict.
   */
  private resolve(token: string): Promise<string> {
    const running = this.resolving.get(token);
    if (running !== undefined) return running;
    const resolving = this.resolving;
    const promise = this.registry.scopes.lookup(token).then((scope) => {
      const engineKey = scope === undefined ? opaqueEngineKey(token) : projectEngineKey(scope.projectId, scope.source);
      this.registry.bind(token, engineKey);
      return engineKey;
    });
    const settle = () => {
      if (resolving.get(token) === promise) resolving.delete(token);
    };
    promise.then(settle, settle);
    resolving.set(token, promise);
    return promise;
  }

  /** Undoes a refused/abandoned registration and re-syncs its engine key (errors only logged). */
  private undo(registration: Registration): void {
    const engineKey = this.registry.undo(registration);
    if (engineKey === undefined || !this.host.isConnected()) return;
    this.flush(engineKey, { join: false }).catch((error: Error) => this.host.debug(`monitor rollback failed: ${error.message}`));
  }

  /**
   * Sends the union of `engineKey` unless the engine already holds it. With `join`, an unchanged
   * union waits for the send still in flight that carries it.
   */
  private flush(engineKey: string, options: { signal?: AbortSignal; join: boolean; replay?: boolean }): Promise<void> {
    const state = this.sent;
    const current = state.get(engineKey);
    const desired = this.registry.union(engineKey);
    if (current === undefined ? desired.length === 0 : current.types !== null && sameTypes(current.types, desired)) {
      return options.join && current?.last !== undefined ? current.last : Promise.resolve();
    }
    if (!this.host.isConnected()) return Promise.reject(notConnected());
    const address = this.registry.address(engineKey) ?? current?.address;
    if (address === undefined) return Promise.resolve();
    const previous = current === undefined ? [] : current.types;
    const next: Sent = { types: desired, address };
    const settle = (types: string[] | null) => {
      if (this.sent !== state || state.get(engineKey) !== next) return;
      if (types !== null && types.length === 0) state.delete(engineKey);
      else state.set(engineKey, { types, address });
    };
    const request = this.host.request('rrext_monitor', { ...address, types: desired }, { signal: options.signal });
    next.last = request.then(
      (response) => {
        if (response.success) {
          settle(desired);
          return;
        }
        settle(previous); // refused: the engine kept what it had
        throw options.replay
          ? responseError(ConnectionError, 'ERR_MONITOR_REPLAY', response, 'Monitor replay failed', 'Monitor replay failed: ')
          : responseError(RocketRideError, 'ERR_MONITOR', response, 'Event subscription failed', 'Event subscription failed: ');
      },
      (error: unknown) => {
        settle(null); // no verdict: the next change sends the union whatever it is
        throw error;
      },
    );
    state.set(engineKey, next);
    return next.last;
  }
}
