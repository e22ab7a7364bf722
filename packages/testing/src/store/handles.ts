/**
 * The handle table of one user's store: UUIDv4 handle ids, read and write handles owned by a
 * connection, at most 64 per connection, one writer per path. Pure bookkeeping: no I/O.
 */
import { randomUUID } from 'node:crypto';
import { serverFailure } from '../failure.js';
import { isAtOrUnder } from './paths.js';
import { pyStr, pyTypeName } from './pytext.js';

/** Open handles allowed per connection, read and write together (§16.C.6). */
export const MAX_HANDLES_PER_CONNECTION = 64;

export type HandleMode = 'r' | 'w';

/** One open handle. `ctx` is the backend's state (set once the backend has opened the file). */
export interface Handle<C = unknown> {
  readonly id: string;
  /** Storage key `users/<userId>/files/<path>`. */
  readonly key: string;
  readonly mode: HandleMode;
  /** Id of the owning connection. */
  readonly connId: number;
  ctx: C | undefined;
  bytesWritten: number;
  /** Operations on the handle run one after another, in arrival order. */
  tail: Promise<void>;
}

const failure = (message: string, lineno: number) => serverFailure(message, 'file_store.py', lineno);

export class HandleTable<C = unknown> {
  private readonly handles = new Map<string, Handle<C>>();
  private readonly writeLocks = new Set<string>();

  /** Open handles of a connection. */
  countFor(connId: number): number {
    let n = 0;
    for (const h of this.handles.values()) if (h.connId === connId) n++;
    return n;
  }

  get size(): number {
    return this.handles.size;
  }

  /** True while `handle` is in the table (not closed). */
  has(handle: Handle<C>): boolean {
    return this.handles.get(handle.id) === handle;
  }

  isLocked(key: string): boolean {
    return this.writeLocks.has(key);
  }

  /** Every handle, optionally only those of one connection. */
  list(connId?: number): Handle<C>[] {
    const all = [...this.handles.values()];
    return connId === undefined ? all : all.filter((h) => h.connId === connId);
  }

  /**
   * Registers a write handle and takes the path's write lock, synchronously: `File already open for writing: <path
   * as sent>` first, then the per-connection limit (§16.C.5–6).
   */
  openWrite(key: string, sentPath: string, connId: number): Handle<C> {
    if (this.writeLocks.has(key)) throw failure(`File already open for writing: ${sentPath}`, 120);
    this.checkLimit(connId);
    this.writeLocks.add(key);
    return this.register(key, 'w', connId);
  }

  /** Registers a read handle (readers take no lock). */
  openRead(key: string, connId: number): Handle<C> {
    this.checkLimit(connId);
    return this.register(key, 'r', connId);
  }

  /**
   * Looks up a handle for an operation of `mode` by `connId` (§16.C.4): `Invalid handle: <handle>`, then
   * `Wrong handle mode: expected <mode>, got <other>`, then `Handle belongs to another connection`.
   */
  get(id: unknown, mode: HandleMode, connId: number): Handle<C> {
    if (id !== null && typeof id === 'object') throw failure(`unhashable type: '${pyTypeName(id)}'`, 543);
    const handle = typeof id === 'string' ? this.handles.get(id) : undefined;
    if (!handle) throw failure(`Invalid handle: ${pyStr(id)}`, 545);
    if (handle.mode !== mode) throw failure(`Wrong handle mode: expected ${mode}, got ${handle.mode}`, 549);
    if (handle.connId !== connId) throw failure('Handle belongs to another connection', 551);
    return handle;
  }

  /** Removes a handle from the table; its id is invalid from now on. A write handle keeps its lock until {@link unlock}. */
  remove(handle: Handle<C>): void {
    this.handles.delete(handle.id);
  }

  /** Releases the write lock of `key`. */
  unlock(key: string): void {
    this.writeLocks.delete(key);
  }

  /**
   * Refuses a change of everything at or below `prefix` (a storage key without trailing slash) while a write lock or
   * a handle lies there: `Cannot modify: file open for writing under <shown>`, then `Cannot modify: handle open under
   * <shown>` (§16.C.5, §16.D).
   */
  assertNoneUnder(prefix: string, shown: string): void {
    for (const key of this.writeLocks) {
      if (isAtOrUnder(key, prefix)) throw failure(`Cannot modify: file open for writing under ${shown}`, 588);
    }
    for (const h of this.handles.values()) {
      if (isAtOrUnder(h.key, prefix)) throw failure(`Cannot modify: handle open under ${shown}`, 591);
    }
  }

  private checkLimit(connId: number): void {
    if (this.countFor(connId) >= MAX_HANDLES_PER_CONNECTION) {
      throw failure(`Too many open handles for connection ${connId}`, 123);
    }
  }

  private register(key: string, mode: HandleMode, connId: number): Handle<C> {
    const handle: Handle<C> = { id: randomUUID(), key, mode, connId, ctx: undefined, bytesWritten: 0, tail: Promise.resolve() };
    this.handles.set(handle.id, handle);
    return handle;
  }
}

/** Runs `fn` after every operation queued on `handle` before it; a failure does not stop the queue. */
export function serial<T>(handle: Handle<unknown>, fn: () => Promise<T>): Promise<T> {
  const run = handle.tail.then(fn);
  handle.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}
