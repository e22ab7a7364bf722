import { ConnectionError } from '../errors/connection-error.js';
import { abortError } from '../transport/pending.js';
import type { StoreHost } from './host.js';

/** Open handles the engine allows per connection, read and write together. */
export const MAX_STORE_HANDLES = 64;

/** How long closing a handle (or deleting a temporary file) may take during a cleanup, in ms. */
export const CLEANUP_TIMEOUT = 10_000;

/** Counts handles so that opens beyond the engine's limit wait for a close instead of failing. */
export class HandleSemaphore {
  #free: number;
  readonly #waiters: Array<{ grant: () => void }> = [];

  constructor(readonly limit: number) {
    this.#free = limit;
  }

  /** Permits not taken. */
  get available(): number {
    return this.#free;
  }

  /** Opens waiting for a permit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves with the permit's release function (idempotent) once one is free; rejects on abort while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'Waiting for a store handle'));
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(abortError(signal!, 'Waiting for a store handle'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiters.shift();
      if (next) next.grant();
      else this.#free += 1;
    };
  }
}

/** One handle this client opened and has not closed. */
export interface OpenStoreHandle {
  readonly mode: 'r' | 'w';
  /** The path as sent (normalised). */
  readonly path: string;
  /** Gives the permit back; idempotent. */
  readonly release: () => void;
}

/**
 * Something holding store handles on behalf of a caller (a file reader, an atomic writer, a stream), which must let
 * go of them before the session ends and learn when the connection was lost.
 */
export interface StoreSession {
  /** The session is ending on purpose (`logout()`): close every handle, clean up, settle. Must not reject. */
  end(reason: Error): Promise<void>;
  /** The connection is gone: the engine closed (and committed) every handle; nothing can be sent any more. */
  lost(reason: Error): void;
}

/** The store bookkeeping of one client. */
export class StoreState {
  readonly permits = new HandleSemaphore(MAX_STORE_HANDLES);
  /** Handle id → what it is. */
  readonly handles = new Map<string, OpenStoreHandle>();
  readonly sessions = new Set<StoreSession>();
  /** Temporary files that could not be deleted because the connection was gone; deleted at the next connect. */
  readonly orphans = new Set<string>();
  #ending: Promise<void> | undefined;

  constructor(private readonly client: StoreHost) {
    client.on('disconnected', ({ reason }) => this.#onDisconnected(reason));
    client.on('connected', () => this.#sweepOrphans());
  }

  /** Forgets a handle and gives its permit back. */
  forget(handle: string): void {
    const h = this.handles.get(handle);
    if (h === undefined) return;
    this.handles.delete(handle);
    h.release();
  }

  /**
   * Before `deauth`: the engine would keep every handle still open, and the write locks they hold, after a deauth.
   * Ends every session (they close their handles and delete their temporary files), then
   * closes whatever handle is left. `undefined` when nothing is open.
   */
  beforeDeauth(): Promise<void> | undefined {
    if (this.#ending !== undefined) return this.#ending;
    if (this.sessions.size === 0 && this.handles.size === 0) return undefined;
    const reason = new ConnectionError('Logged out: the store handle was closed before deauth', { code: 'ERR_DISCONNECTED' });
    const work = (async () => {
      await Promise.all([...this.sessions].map((s) => s.end(reason).catch(() => {})));
      await Promise.all(
        [...this.handles].map(([handle, h]) =>
          this.client
            .request('rrext_store', { subcommand: 'fs_close', handle, mode: h.mode }, { timeout: CLEANUP_TIMEOUT })
            .catch(() => undefined)
            .then(() => this.forget(handle)),
        ),
      );
    })();
    this.#ending = work.finally(() => {
      this.#ending = undefined;
    });
    return this.#ending;
  }

  #onDisconnected(reason: string): void {
    const error = new ConnectionError(`The connection was lost: ${reason}`, { code: 'ERR_CONNECTION_LOST' });
    for (const s of [...this.sessions]) s.lost(error);
    for (const handle of [...this.handles.keys()]) this.forget(handle);
  }

  #sweepOrphans(): void {
    for (const path of [...this.orphans]) {
      this.orphans.delete(path);
      void this.#deleteOrphan(path);
    }
  }

  /**
   * Deletes a temporary file left by a write whose connection was lost. The engine closes that connection's handle
   * (committing the file) on its own schedule, so a delete refused because the file is still open for writing is
   * tried again a few times; one that cannot be made now waits for the next connect.
   */
  async #deleteOrphan(path: string): Promise<void> {
    for (let attempt = 0; attempt < ORPHAN_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, ORPHAN_RETRY_MS * attempt).unref());
      if (!this.client.isConnected()) break;
      const response = await this.client
        .request<unknown>('rrext_store', { subcommand: 'fs_delete', path }, { timeout: CLEANUP_TIMEOUT })
        .catch(() => undefined);
      if (response === undefined) break;
      if (response.success || !/open for writing/.test(String(response.message))) return;
    }
    this.orphans.add(path);
  }
}

const ORPHAN_ATTEMPTS = 6;
const ORPHAN_RETRY_MS = 100;

const states = new WeakMap<StoreHost, StoreState>();

/** The store bookkeeping of `client`, created on first use. */
export function storeState(client: StoreHost): StoreState {
  let state = states.get(client);
  if (state === undefined) {
    state = new StoreState(client);
    states.set(client, state);
  }
  return state;
}

/**
 * The lifecycle hook run by `logout()` before it sends `deauth` (see {@link StoreState.beforeDeauth}); `undefined`
 * when the client never used the store or holds nothing.
 */
export function storeBeforeDeauth(client: StoreHost): Promise<void> | undefined {
  return states.get(client)?.beforeDeauth();
}

/** Registers a session for {@link StoreSession.end} and {@link StoreSession.lost}; returns its unregistration. */
export function registerStoreSession(client: StoreHost, session: StoreSession): () => void {
  const state = storeState(client);
  state.sessions.add(session);
  return () => {
    state.sessions.delete(session);
  };
}
