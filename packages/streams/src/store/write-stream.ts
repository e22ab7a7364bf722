import { Writable } from 'node:stream';
import { storeOptions } from './options.js';
import { AbortError, AtomicStoreWriter, type RocketRideClient, StoreError, ValidationError } from '@rocketride-streams/core';
import { ByteQueue } from '../byte-queue.js';
import { DEFAULT_HIGH_WATER_MARK, DEFAULT_MAX_WRITE_BYTES } from '../options.js';
import { describe } from '../session.js';

/** Options of `createWriteStream` and `writable`. */
export interface StoreWriteOptions {
  /**
   * Replace the file when it exists (default true). With false the stream fails with `ERR_STORE_EXISTS` before any
   * byte is sent when the path exists (and at the final rename if one appeared meanwhile).
   */
  overwrite?: boolean;
  /** Aborting destroys the stream with an AbortError; nothing is left at the path, the old content is kept. */
  signal?: AbortSignal;
  /** Bytes buffered before `write()` returns false. Default 4 MiB. */
  highWaterMark?: number;
  /** Largest payload of one `fs_write`. Default 4 MiB. */
  maxWriteBytes?: number;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new ValidationError(`${name} must be a positive integer`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return value as number;
}

/**
 * A Node `Writable` into one store file, written atomically (core's `AtomicStoreWriter`): the bytes go to a
 * temporary file in the same folder, which `end()` renames into place; `'finish'` comes only after that rename.
 * One `fs_write` is in flight at a time; chunks written meanwhile are coalesced (`_writev`) into writes of up to
 * `maxWriteBytes`, sent as the fragments of one frame (never joined). `destroy()`, an error, an abort or a lost
 * connection never leave anything at the path nor touch its old content: the temporary file is closed and deleted
 * (after a lost connection, at the next connect).
 */
export class StoreWriteStream extends Writable {
  readonly #writer: AtomicStoreWriter;
  readonly #queue = new ByteQueue();
  readonly #maxWrite: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    this.destroy(new AbortError(`Writing ${this.#writer.path} was aborted; nothing was written there`, { cause: this.#signal?.reason }));
  };
  #committed = false;

  /** @throws ValidationError for a bad path or option, before anything is sent. */
  constructor(client: RocketRideClient, path: string, options: StoreWriteOptions = {}) {
    options = storeOptions<StoreWriteOptions>(options);
    const hwm = positive(options.highWaterMark, 'highWaterMark', DEFAULT_HIGH_WATER_MARK);
    const maxWrite = positive(options.maxWriteBytes, 'maxWriteBytes', DEFAULT_MAX_WRITE_BYTES);
    const writer = new AtomicStoreWriter(client, path, { overwrite: options.overwrite });
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new ValidationError('options.signal must be an AbortSignal', { code: 'ERR_INVALID_ARGUMENT' });
    }
    super({ highWaterMark: hwm });
    this.#writer = writer;
    this.#maxWrite = maxWrite;
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.#onAbort();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The destination (normalised). */
  get path(): string {
    return this.#writer.path;
  }

  /** The temporary file the bytes go to until the commit. */
  get tempPath(): string {
    return this.#writer.tempPath;
  }

  /** Bytes the engine acknowledged so far. */
  get bytesWritten(): number {
    return this.#writer.bytesWritten;
  }

  /** Refuses chunks that are neither bytes nor strings with a coded error, before anything is sent for them. */
  override write(chunk: unknown, encoding?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    const bad = this.#checkChunk(chunk);
    if (bad === undefined) return super.write(chunk, encoding as BufferEncoding, cb);
    this.destroy(bad);
    const callback = typeof encoding === 'function' ? encoding : cb;
    if (callback) process.nextTick(callback, bad);
    return false;
  }

  override end(chunk?: unknown, encoding?: unknown, cb?: unknown): this {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      const bad = this.#checkChunk(chunk);
      if (bad !== undefined) {
        this.destroy(bad);
        return this;
      }
    }
    return super.end(chunk as never, encoding as never, cb as never);
  }

  #checkChunk(chunk: unknown): Error | undefined {
    if (this.writableEnded) return new ValidationError('write() after end()', { code: 'ERR_WRITE_AFTER_END' });
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) return undefined;
    return new ValidationError(`A store write stream takes Buffer, Uint8Array or string chunks, got ${describe(chunk)}`, {
      code: 'ERR_INVALID_CHUNK',
    });
  }

  /** Node defers `_destroy` until `_construct` is done, which may be waiting for a handle: stop that first. */
  override destroy(error?: Error): this {
    if (!this.destroyed && !this.#committed) void this.#writer.abort(error ?? abandoned(this.#writer.path));
    return super.destroy(error);
  }

  override _construct(callback: (error?: Error | null) => void): void {
    // destroy() while opening aborted the writer, which fails the open: no error of the stream's (Node would emit it,
    // crashing a caller that called destroy() without one); destroy(error) still reports its own.
    this.#writer.open().then(
      () => callback(),
      (error: Error) => callback(this.destroyed ? null : error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#queue.push(chunk);
    this.#flush().then(() => callback(), callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const c of chunks) this.#queue.push(c.chunk);
    this.#flush().then(() => callback(), callback);
  }

  async #flush(): Promise<void> {
    while (this.#queue.bytes > 0) await this.#writer.write(this.#queue.take(Math.min(this.#queue.bytes, this.#maxWrite)));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#writer.commit().then(() => {
      this.#committed = true;
      this.#signal?.removeEventListener('abort', this.#onAbort);
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (this.#committed) {
      callback(error);
      return;
    }
    this.#writer.abort(error ?? abandoned(this.#writer.path)).then(() => callback(error));
  }
}

function abandoned(path: string): StoreError {
  return new StoreError(`The write stream of ${path} was destroyed before it finished; nothing was written there`, {
    code: 'ERR_STORE_ABORTED',
    path,
  });
}
