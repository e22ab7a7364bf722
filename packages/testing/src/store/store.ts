/**
 * The engine's file store (`rrext_store`): one per engine, on a real directory, with a handle table per user. Handles
 * belong to their connection and are closed, write handles committed, when its socket closes; under the `head`
 * profile a connection that was deauthenticated leaks them instead, as upstream. The protocol notes
 * (docs/PROTOCOL.md in the repository) §16.B–§16.D describe the upstream store it follows.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../connection.js';
import type { EngineCore } from '../core.js';
import type { EngineProfile, StoreHandleInfo } from '../types.js';
import { FsBackend, type ReadContext, type WriteContext } from './backend.js';
import { type Handle, HandleTable } from './handles.js';

export type StoreHandle = Handle<WriteContext | ReadContext>;

/**
 * The identity whose namespace a connection uses: its `userId`, undefined once deauthenticated. The simulator is an
 * OSS server: API keys and the `tk_` tokens of its tasks are all user `local` (§16.B.3).
 */
export function storeUserId(conn: Connection): string | undefined {
  return conn.authenticated ? 'local' : undefined;
}

export class EngineStore {
  readonly backend: FsBackend;
  private readonly tables = new Map<string, HandleTable<WriteContext | ReadContext>>();
  private disposed = false;
  /** Handles being closed: out of their table, their file not yet committed or discarded. */
  private readonly closing = new Set<StoreHandle>();
  /** Cleanups of closed connections still running. */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(
    readonly profile: EngineProfile,
    /** The store root (holds `users/<userId>/files/`). */
    readonly dir: string,
    private readonly removeOnClose: boolean,
    partialDir: string,
  ) {
    this.backend = new FsBackend(dir, partialDir);
  }

  /** `truncate at fs_open w` (HEAD, §16.C.8) or keep the old content until the commit. */
  get truncateAtOpen(): boolean {
    return this.profile === 'head';
  }

  /** The handle table of `userId`. */
  table(userId: string): HandleTable<WriteContext | ReadContext> {
    let t = this.tables.get(userId);
    if (!t) {
      t = new HandleTable();
      this.tables.set(userId, t);
    }
    return t;
  }

  /** Closes one handle: a write handle is committed (or dropped), its lock released; a read handle closed. */
  async finish(table: HandleTable<WriteContext | ReadContext>, h: StoreHandle, commit: boolean): Promise<void> {
    table.remove(h);
    // Still reported by handleList() until its file is committed or discarded, so an inspection that sees no handle
    // also sees the file in place.
    this.closing.add(h);
    try {
      await h.tail;
      if (!h.ctx) return;
      if (h.mode === 'w') {
        if (commit) await this.backend.commit(h.key, h.ctx as WriteContext);
        else await this.backend.discard(h.ctx as WriteContext);
      } else {
        await this.backend.closeRead(h.ctx as ReadContext);
      }
    } finally {
      this.closing.delete(h);
      if (h.mode === 'w') table.unlock(h.key);
    }
  }

  /**
   * The socket of `conn` closed: its handles are closed and write handles committed with what was written
   * (§16.C.7). Under `head` the cleanup needs the connection's identity, which `deauth` erased: nothing is closed and
   * the path locks stay until the engine closes (§16.K.3).
   */
  connectionClosed(conn: Connection): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const user = storeUserId(conn);
    let tables: HandleTable<WriteContext | ReadContext>[];
    if (this.profile === 'head') tables = user === undefined ? [] : [this.table(user)];
    else tables = [...this.tables.values()];
    const work = Promise.all(
      tables.flatMap((table) => table.list(conn.id).map((h) => this.finish(table, h, true).catch(() => {}))),
    ).then(() => undefined);
    this.cleanups.add(work);
    void work.finally(() => this.cleanups.delete(work));
    return work;
  }

  /** Every open handle of every user (leaked ones included), as {@link Engine.storeHandles} reports them. */
  handleList(): StoreHandleInfo[] {
    const out: StoreHandleInfo[] = [];
    for (const list of [...[...this.tables.values()].map((t) => t.list()), [...this.closing]]) {
      for (const h of list) {
        out.push({ handle: h.id, path: h.key.replace(/^users\/[^/]+\/files\//, ''), mode: h.mode, connectionId: h.connId });
      }
    }
    return out;
  }

  /** Open handles of every user (leaked ones included). */
  openHandles(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  /** Drops every open handle without committing it, and removes the staging files (and the default directory). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.cleanups);
    for (const table of this.tables.values()) {
      for (const h of table.list()) await this.finish(table, h, false).catch(() => {});
    }
    rmSync(this.removeOnClose ? this.dir : this.backend.partialDir, { recursive: true, force: true });
  }
}

const stores = new WeakMap<EngineCore, EngineStore>();

/**
 * Creates the store of an engine on `storeDir` (created when missing, kept on close), or on a new temporary
 * directory removed when the engine closes.
 */
export function attachStore(core: EngineCore, storeDir: string | undefined): EngineStore {
  let dir: string;
  if (storeDir === undefined) {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'rocketride-store-')));
  } else {
    mkdirSync(storeDir, { recursive: true });
    dir = realpathSync(storeDir);
  }
  // Staging files live beside `users/`, on the same filesystem, so a commit is a rename.
  const partialDir = mkdtempSync(join(dir, '.partial-'));
  const store = new EngineStore(core.profile, dir, storeDir === undefined, partialDir);
  stores.set(core, store);
  return store;
}

/** The store of an engine. */
export function storeOf(core: EngineCore): EngineStore {
  const store = stores.get(core);
  if (!store) throw new Error('rrext_store: the engine has no store');
  return store;
}

/** The store root of an engine, if it has a store. */
export function storeDirOf(core: EngineCore): string | undefined {
  return stores.get(core)?.dir;
}

/** Connection hook: its socket closed. */
export function storeConnectionClosed(conn: Connection): void {
  void stores.get(conn.core)?.connectionClosed(conn);
}

/** Engine close hook. */
export async function detachStore(core: EngineCore): Promise<void> {
  await stores.get(core)?.dispose();
  stores.delete(core);
}
