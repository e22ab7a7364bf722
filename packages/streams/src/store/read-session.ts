import {
  AbortError,
  CLEANUP_TIMEOUT,
  closeQuietly,
  MAX_STORE_READ,
  openStoreHandle,
  type RocketRideClient,
  registerStoreSession,
  type StoreSession,
  storeEntryPath,
  ValidationError,
} from '@rocketride-streams/core';
import { storeOptions } from './options.js';

/** Options of `createReadStream` and `readable`. */
export interface StoreReadOptions {
  /** First byte to read (default 0). */
  start?: number;
  /** Last byte to read, **inclusive** as in `fs.createReadStream` (default: to the end of the file). */
  end?: number;
  /**
   * Bytes buffered ahead of the consumer (default 1 MiB). Reads start at this size (at least 64 KiB) and double,
   * up to the engine's 4 MiB clamp, while the consumer keeps asking for more.
   */
  highWaterMark?: number;
  /** Aborting destroys the stream with an AbortError and closes the handle. */
  signal?: AbortSignal;
}

export const DEFAULT_STORE_READ_HIGH_WATER_MARK = 1024 * 1024;
const MIN_READ = 64 * 1024;

function checkIndex(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new ValidationError(`${name} must be a non-negative integer`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return value as number;
}

/**
 * One read handle driven by a consumer: `open()`, then `next()` issues exactly one `fs_read` per call (so nothing is
 * read while the consumer does not ask), `adapt()` grows or shrinks the read size, `close()` closes the handle. The
 * handle is closed at the end of the file before `next()` reports it, and on every other way out. The Node and
 * WHATWG adapters are thin layers over this.
 */
export class StoreReadSession implements StoreSession {
  readonly path: string;
  readonly highWaterMark: number;
  readonly #client: RocketRideClient;
  readonly #ctl = new AbortController();
  readonly #minRead: number;
  #offset: number;
  /** Exclusive end, or Infinity. */
  readonly #end: number;
  #readSize: number;
  #handle: string | undefined;
  #size: number | undefined;
  #eof = false;
  #busy: Promise<unknown> | undefined;
  #closing: Promise<void> | undefined;
  #unregister: (() => void) | undefined;
  /** Called when the session fails on its own (logout, lost connection), so the owning stream can fail. */
  onFailure: ((reason: Error) => void) | undefined;

  /** @throws ValidationError for a bad path or option, before anything is sent. */
  constructor(client: RocketRideClient, path: string, options: StoreReadOptions = {}) {
    this.path = storeEntryPath(path);
    options = storeOptions<StoreReadOptions>(options);
    const start = checkIndex(options.start, 'start') ?? 0;
    const end = checkIndex(options.end, 'end');
    if (end !== undefined && end < start) {
      throw new ValidationError(`end (${end}) must not be before start (${start})`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    const hwm = options.highWaterMark === undefined ? DEFAULT_STORE_READ_HIGH_WATER_MARK : options.highWaterMark;
    if (!Number.isSafeInteger(hwm) || hwm <= 0) {
      throw new ValidationError('highWaterMark must be a positive integer', { code: 'ERR_INVALID_ARGUMENT' });
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new ValidationError('options.signal must be an AbortSignal', { code: 'ERR_INVALID_ARGUMENT' });
    }
    this.#client = client;
    this.#offset = start;
    this.#end = end === undefined ? Number.POSITIVE_INFINITY : end + 1;
    this.highWaterMark = hwm;
    this.#minRead = Math.min(MAX_STORE_READ, Math.max(MIN_READ, hwm));
    this.#readSize = this.#minRead;
  }

  /** The file's size announced at open. */
  get size(): number | undefined {
    return this.#size;
  }

  /** The offset of the next read. */
  get position(): number {
    return this.#offset;
  }

  /** The size of the next read. */
  get readSize(): number {
    return this.#readSize;
  }

  /** Opens the handle, waiting for a free one (the 64-per-connection limit). */
  async open(): Promise<void> {
    this.#unregister = registerStoreSession(this.#client, this);
    const run = openStoreHandle(this.#client, this.path, 'r', {
      signal: this.#ctl.signal,
      onLate: (late) => void closeQuietly(this.#client, late.handle, 'r'),
    });
    this.#busy = run;
    try {
      const { handle, size } = await run;
      this.#handle = handle;
      this.#size = size;
    } catch (error) {
      await this.close();
      throw error;
    }
    if (this.#ctl.signal.aborted) {
      await this.close();
      throw this.#ctl.signal.reason as Error;
    }
  }

  /** Reads the next piece (one `fs_read`), or closes the handle and resolves `null` at the end. */
  async next(): Promise<Buffer | null> {
    if (this.#eof || this.#offset >= this.#end) {
      await this.close();
      return null;
    }
    const handle = this.#handle;
    if (handle === undefined) throw (this.#ctl.signal.reason as Error | undefined) ?? new AbortError('The store read stream is closed');
    let want = Math.min(this.#readSize, this.#end - this.#offset);
    // Without an end, one byte more than the size announced at open: the last read comes back short, which ends it
    // without an extra empty read. A file that grew meanwhile is read on at the full read size (clamping past the
    // announced size would read it one byte per fs_read).
    if (this.#end === Number.POSITIVE_INFINITY && this.#size !== undefined && this.#offset <= this.#size) want = Math.min(want, this.#size - this.#offset + 1);
    const run = this.#client.fsRead(handle, this.#offset, want, { signal: this.#ctl.signal });
    this.#busy = run;
    const chunk = await run;
    this.#offset += chunk.byteLength;
    if (chunk.byteLength < want) this.#eof = true;
    // The last piece: the handle is closed before it is handed over, so a consumer that has every byte never
    // finds the handle still open.
    if (this.#eof || this.#offset >= this.#end) await this.close();
    return chunk.byteLength === 0 ? null : chunk;
  }

  /** The consumer wants more (`true`): double the read size, up to 4 MiB; it is full: halve it, down to the first size. */
  adapt(wantsMore: boolean): void {
    this.#readSize = wantsMore ? Math.min(MAX_STORE_READ, this.#readSize * 2) : Math.max(this.#minRead, this.#readSize >> 1);
  }

  /** Cancels what is in flight and closes the handle (idempotent; never rejects). */
  close(reason?: Error): Promise<void> {
    this.#closing ??= this.#close(reason);
    return this.#closing;
  }

  async #close(reason: Error | undefined): Promise<void> {
    if (!this.#ctl.signal.aborted) this.#ctl.abort(reason ?? new AbortError('The store read stream was closed'));
    await this.#busy?.catch(() => undefined);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) {
      await this.#client.fsClose(handle, 'r', { signal: AbortSignal.timeout(CLEANUP_TIMEOUT) }).catch(() => undefined);
    }
    this.#unregister?.();
    this.#unregister = undefined;
  }

  /** StoreSession: `logout()` is about to send `deauth`. */
  async end(reason: Error): Promise<void> {
    this.onFailure?.(reason);
    await this.close(reason);
  }

  /** StoreSession: the socket is gone (the engine closed the handle). */
  lost(reason: Error): void {
    this.#handle = undefined;
    this.onFailure?.(reason);
    void this.close(reason);
  }
}
