/**
 * Atomic writes to the file store. The engine's filesystem backend truncates a file at `fs_open w` and the engine
 * commits a write handle when its socket closes (PROTOCOL.md §16.C.7–8), so writing to the path itself would leave a
 * truncated or partial file behind any failure. Instead the bytes go to a temporary file in the same folder, which is
 * renamed into place only once it is complete, and deleted on any failure.
 *
 * What is atomic: a failed, destroyed or aborted write leaves `path` as it was, and no partial file ever appears
 * there from this client. What is not: the engine renames by checking the destination, copying and deleting
 * (PROTOCOL.md §16.D), so a reader that opens `path` while the engine copies the new file in may read part of it;
 * there is no lock on `path` and no version check (§16.E), so of two writers the last rename wins, and two renames
 * onto one path at the same moment race inside the engine and may leave a mix of both (writers of one path must be
 * serialised by the application); with `overwrite` the old file is first renamed aside and the new one renamed in, so
 * a reader may find no file between the two renames, and if the client dies exactly then the old content stays
 * beside it as `.<name>.<random>.replaced`. A write whose connection was lost leaves its temporary file (`.<name>.<random>.partial`,
 * committed by the engine when the socket closed); the client deletes it at its next connect.
 */
import { randomBytes } from 'node:crypto';
import type { CallOptions } from '../config/options.js';
import { ConnectionError } from '../errors/connection-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { StoreError } from '../errors/store-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { describe, readArgument } from '../config/validate.js';
import { abortError } from '../transport/pending.js';
import type { StoreHost } from './host.js';
import { fsClose, fsDelete, fsRename, fsStat, fsWrite, openStoreHandle } from './store.js';
import { joinStorePath, splitStorePath, storeEntryPath } from './store-paths.js';
import { CLEANUP_TIMEOUT, registerStoreSession, type StoreSession, storeState } from './store-state.js';

/** Options of an atomic write. */
export interface AtomicWriteOptions extends CallOptions {
  /**
   * Replace the file when it exists (default true). With false the write fails with `ERR_STORE_EXISTS`, checked
   * before any byte is sent and again, by the engine, at the final rename. A directory is never replaced
   * (`ERR_STORE_IS_DIRECTORY`).
   */
  overwrite?: boolean;
}

/** A hidden sibling of `path` with a random part: `.<name>.<12 hex>.<suffix>` in the same folder. */
export function siblingPath(path: string, suffix: string): string {
  const { dir, base } = splitStorePath(path);
  return joinStorePath(dir, `.${base.slice(0, 100)}.${randomBytes(6).toString('hex')}.${suffix}`);
}

const codeOf = (error: unknown): string | undefined => (error as RocketRideError | undefined)?.code;

/**
 * Renames `from` onto `to`. Without `overwrite` an existing `to` fails (`ERR_STORE_EXISTS`, the engine's check).
 * With it, an existing **file** `to` is renamed aside, `from` renamed in, and the old file deleted; if the second
 * rename fails the old file is put back. A writer that slips in between the two renames wins; this retries a few
 * times and then gives up with the engine's error.
 */
export async function renameInto(
  client: StoreHost,
  from: string,
  to: string,
  overwrite: boolean,
  options?: CallOptions,
): Promise<void> {
  const signal = options?.signal;
  for (let attempt = 0; ; attempt++) {
    try {
      await fsRename(client, from, to, { signal });
      return;
    } catch (error) {
      if (!overwrite || codeOf(error) !== 'ERR_STORE_EXISTS' || attempt >= 3) throw error;
      const existing = await fsStat(client, to, { signal });
      if (existing.exists && existing.type !== 'file') throw error;
    }
    const aside = siblingPath(to, 'replaced');
    try {
      await fsRename(client, to, aside, { signal });
    } catch (error) {
      // The engine renames by copy + delete: a concurrent writer moving the same file may make ours fail half-way.
      await fsDelete(client, aside).catch(() => undefined);
      const still = await fsStat(client, to, { signal }).catch(() => undefined);
      if (codeOf(error) === 'ERR_STORE_NOT_FOUND' || still?.exists === false) continue; // gone meanwhile: try again
      throw error;
    }
    try {
      await fsRename(client, from, to);
    } catch (error) {
      if (codeOf(error) === 'ERR_STORE_EXISTS' && attempt < 3) {
        // Another writer renamed its file in between: its content is newer than the one set aside.
        await fsDelete(client, aside).catch(() => undefined);
        continue;
      }
      await fsRename(client, aside, to).catch(() => undefined);
      throw error;
    }
    await fsDelete(client, aside).catch(() => undefined);
    return;
  }
}

type WriterState = 'new' | 'opening' | 'open' | 'committing' | 'committed' | 'failed';

/**
 * One atomic write: `open()` (checks the destination, opens the temporary file), `write()` (one `fs_write` at a
 * time, the caller's job), `commit()` (closes the temporary file and renames it into place), or `abort()` (closes
 * and deletes it). Holds one store handle from `open()` to the end. A `logout()` aborts it before `deauth`; a lost
 * connection fails it, and its temporary file is deleted at the next connect.
 */
export class AtomicStoreWriter implements StoreSession {
  /** The destination (normalised). */
  readonly path: string;
  /** The temporary file the bytes go to. */
  readonly tempPath: string;
  readonly #client: StoreHost;
  readonly #overwrite: boolean;
  readonly #ctl = new AbortController();
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    void this.abort(abortError(this.#signal!, `Writing ${this.path}`));
  };
  #state: WriterState = 'new';
  #handle: string | undefined;
  #failure: Error | undefined;
  #bytes = 0;
  #unregister: (() => void) | undefined;
  #busy: Promise<unknown> | undefined;
  #aborting: Promise<void> | undefined;

  /** @throws ValidationError for a bad path or option, before anything is sent. */
  constructor(client: StoreHost, path: string, options: AtomicWriteOptions = {}) {
    this.path = storeEntryPath(path);
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ValidationError(`options must be an object (got ${describe(options)})`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    const given = readArgument('options', () => ({ overwrite: options.overwrite, signal: options.signal }));
    const overwrite = given.overwrite === undefined ? true : given.overwrite;
    if (typeof overwrite !== 'boolean') throw new ValidationError('overwrite must be a boolean', { code: 'ERR_INVALID_ARGUMENT' });
    if (given.signal !== undefined && !(given.signal instanceof AbortSignal)) {
      throw new ValidationError('options.signal must be an AbortSignal', { code: 'ERR_INVALID_ARGUMENT' });
    }
    this.#client = client;
    this.#overwrite = overwrite;
    this.#signal = given.signal;
    this.tempPath = siblingPath(this.path, 'partial');
  }

  /** Bytes the engine acknowledged so far. */
  get bytesWritten(): number {
    return this.#bytes;
  }

  /** The first failure (or abort reason), if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Checks the destination and opens the temporary file (waiting for a free handle if need be). */
  async open(): Promise<void> {
    if (this.#state !== 'new') throw this.#failure ?? new StoreError('open() called twice', { code: 'ERR_STORE_STATE' });
    if (this.#signal?.aborted) {
      this.#state = 'failed';
      this.#failure = abortError(this.#signal, `Writing ${this.path}`);
      throw this.#failure;
    }
    this.#state = 'opening';
    this.#unregister = registerStoreSession(this.#client, this);
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    const signal = this.#ctl.signal;
    const run = (async () => {
      const existing = await fsStat(this.#client, this.path, { signal });
      if (existing.exists && existing.type !== 'file') {
        throw new StoreError(`Cannot write ${this.path}: it is a directory`, { code: 'ERR_STORE_IS_DIRECTORY', path: this.path });
      }
      if (existing.exists && !this.#overwrite) {
        throw new StoreError(`Destination already exists: ${this.path}`, { code: 'ERR_STORE_EXISTS', path: this.path });
      }
      const { handle } = await openStoreHandle(this.#client, this.tempPath, 'w', {
        signal,
        // Opened after an abort: close it and delete the (empty) temporary file.
        onLate: (late) => void this.#discard(late.handle),
      });
      this.#handle = handle;
    })();
    this.#busy = run;
    try {
      await run;
    } catch (error) {
      throw this.#fail(error);
    }
    if (this.#state !== 'opening') throw this.#failure ?? abortError(signal, `Writing ${this.path}`);
    this.#state = 'open';
  }

  /** Appends bytes (one `fs_write`; a list goes out as the fragments of one frame). One call at a time. */
  async write(parts: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.#state !== 'open' || this.#handle === undefined) {
      throw this.#failure ?? new StoreError(`The writer of ${this.path} is not open`, { code: 'ERR_STORE_STATE' });
    }
    const run = fsWrite(this.#client, this.#handle, parts, { signal: this.#ctl.signal });
    this.#busy = run;
    try {
      this.#bytes += await run;
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /**
   * Commits: closes the temporary file, then renames it onto the path (see {@link renameInto}). Not cancelled by an
   * abort once started: the path then holds either the old or the whole new content. On failure the temporary file
   * is deleted and the path is left as it was.
   */
  async commit(): Promise<void> {
    if (this.#state !== 'open' || this.#handle === undefined) {
      throw this.#failure ?? new StoreError(`The writer of ${this.path} is not open`, { code: 'ERR_STORE_STATE' });
    }
    this.#state = 'committing';
    const handle = this.#handle;
    const run = (async () => {
      // No timeout of its own: committing a large file may take the engine a while (object stores upload at close).
      try {
        await fsClose(this.#client, handle, 'w');
      } catch (error) {
        await this.#discard(handle);
        throw error;
      } finally {
        this.#handle = undefined;
      }
      try {
        await renameInto(this.#client, this.tempPath, this.path, this.#overwrite);
      } catch (error) {
        await this.#deleteTemp();
        throw error;
      }
    })();
    this.#busy = run;
    try {
      await run;
    } catch (error) {
      this.#state = 'failed';
      this.#failure ??= error as Error;
      this.#finish();
      throw this.#failure;
    }
    if (this.#state === 'committing') this.#state = 'committed';
    this.#finish();
    if (this.#failure !== undefined && this.#state !== 'committed') throw this.#failure;
  }

  /**
   * Gives the write up: cancels what is in flight, closes the temporary file and deletes it. Resolves (never
   * rejects) once that is done, or at once when the connection is gone (the file is then deleted at the next
   * connect). After a commit it does nothing.
   */
  abort(reason?: Error): Promise<void> {
    if (this.#state === 'committed') return Promise.resolve();
    this.#aborting ??= this.#abort(reason ?? new StoreError(`The write of ${this.path} was abandoned`, { code: 'ERR_STORE_ABORTED' }));
    return this.#aborting;
  }

  async #abort(reason: Error): Promise<void> {
    this.#failure ??= reason;
    const wasCommitting = this.#state === 'committing';
    if (!wasCommitting) this.#state = 'failed';
    this.#ctl.abort(reason);
    await this.#busy?.catch(() => undefined);
    if (wasCommitting) return; // commit() cleans up after itself
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await this.#discard(handle);
    this.#finish();
  }

  /** StoreSession: `logout()` is about to send `deauth`. */
  end(reason: Error): Promise<void> {
    return this.abort(reason);
  }

  /** StoreSession: the socket is gone, and the engine committed the temporary file with it: delete it later. */
  lost(reason: Error): void {
    if (this.#state === 'committed') return;
    this.#failure ??= reason;
    if (this.#state !== 'new') storeState(this.#client).orphans.add(this.tempPath);
    this.#state = 'failed';
    this.#handle = undefined;
    this.#ctl.abort(reason);
    this.#finish();
  }

  /** Closes a write handle and deletes the temporary file; what cannot be done now is left for the next connect. */
  async #discard(handle: string): Promise<void> {
    await fsClose(this.#client, handle, 'w', { signal: AbortSignal.timeout(CLEANUP_TIMEOUT) }).catch(() => undefined);
    await this.#deleteTemp();
  }

  async #deleteTemp(): Promise<void> {
    try {
      await fsDelete(this.#client, this.tempPath, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT) });
    } catch (error) {
      if (codeOf(error) === 'ERR_STORE_NOT_FOUND') return;
      if (error instanceof ConnectionError || !this.#client.isConnected()) storeState(this.#client).orphans.add(this.tempPath);
    }
  }

  #fail(error: unknown): Error {
    const e = error instanceof Error ? error : new Error(String(error));
    this.#failure ??= e;
    return this.#failure;
  }

  #finish(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#unregister?.();
    this.#unregister = undefined;
  }
}
