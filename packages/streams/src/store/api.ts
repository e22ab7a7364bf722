import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type AtomicWriteOptions,
  type CallOptions,
  fsDelete,
  fsListDir,
  fsMkdir,
  fsRmdir,
  fsStat,
  parseStoreJson,
  readStoreFile,
  renameInto,
  type RocketRideClient,
  type StoreEntry,
  StoreError,
  type StoreStat,
  storeEntryPath,
  storeJson,
  ValidationError,
  writeStoreFile,
} from '@rocketride-streams/core';
import { storeOptions } from './options.js';
import type { StoreReadOptions } from './read-session.js';
import { StoreReadStream } from './read-stream.js';
import { createStoreReadable } from './web-readable.js';
import { createStoreWritable } from './web-writable.js';
import { type StoreWriteOptions, StoreWriteStream } from './write-stream.js';

/** What `writeFile` takes: bytes, text, or a source of chunks (streamed through `createWriteStream`). */
export type StoreWriteData = string | Uint8Array | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** Options of `rm`. */
export interface StoreRmOptions extends CallOptions {
  /** Remove a directory with everything below it (default false: a non-empty directory fails `ERR_STORE_NOT_EMPTY`). */
  recursive?: boolean;
  /** A missing path is not an error (default false: `ERR_STORE_NOT_FOUND`). */
  force?: boolean;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ValidationError(`${name} must be a boolean`, { code: 'ERR_INVALID_ARGUMENT' });
  return value;
}

/**
 * The engine's per-user file store, streams first (`rocketride.store`). Every method takes `{ signal }`; paths are
 * checked with the engine's rules before anything is sent; failures are coded (`StoreError`, `ValidationError`).
 * Writes are atomic: a temporary file in the same folder renamed into place (see the README for what that does and
 * does not guarantee against concurrent writers).
 */
export class StoreApi {
  constructor(readonly client: RocketRideClient) {}

  /** A Node `Readable` of a store file (`start`/`end` inclusive, as `fs.createReadStream`), with real backpressure. */
  createReadStream(path: string, options?: StoreReadOptions): StoreReadStream {
    return new StoreReadStream(this.client, path, options);
  }

  /** A WHATWG `ReadableStream` of a store file. */
  readable(path: string, options?: StoreReadOptions): ReadableStream<Uint8Array> {
    return createStoreReadable(this.client, path, options);
  }

  /** A Node `Writable` into a store file, atomic; `'finish'` once the file is in place. */
  createWriteStream(path: string, options?: StoreWriteOptions): StoreWriteStream {
    return new StoreWriteStream(this.client, path, options);
  }

  /** A WHATWG `WritableStream` into a store file, atomic; `close()` resolves once the file is in place. */
  writable(path: string, options?: StoreWriteOptions): WritableStream<Uint8Array | string> {
    return createStoreWritable(this.client, path, options);
  }

  /** A whole store file: its bytes, or text with `encoding`. */
  readFile(path: string, options?: CallOptions & { encoding?: undefined }): Promise<Buffer>;
  readFile(path: string, options: CallOptions & { encoding: BufferEncoding }): Promise<string>;
  async readFile(path: string, options: CallOptions & { encoding?: BufferEncoding } = {}): Promise<Buffer | string> {
    options = storeOptions(options);
    if (options.encoding !== undefined && !Buffer.isEncoding(options.encoding)) {
      throw new ValidationError(`Unknown encoding: ${String(options.encoding)}`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    const bytes = await readStoreFile(this.client, path, options);
    return options.encoding === undefined ? bytes : bytes.toString(options.encoding);
  }

  /** Writes a whole store file atomically from bytes, text, or an (async) iterable of chunks. */
  async writeFile(path: string, data: StoreWriteData, options: AtomicWriteOptions = {}): Promise<void> {
    options = storeOptions(options);
    if (typeof data === 'string' || data instanceof Uint8Array) return writeStoreFile(this.client, path, data, options);
    const iterable = data as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null;
    const bad =
      iterable === null ||
      typeof iterable !== 'object' ||
      (typeof iterable[Symbol.iterator] !== 'function' && typeof iterable[Symbol.asyncIterator] !== 'function') ||
      // An array is checked whole before anything is sent (a lazy iterable fails at its bad chunk).
      (Array.isArray(data) && !data.every((d) => typeof d === 'string' || d instanceof Uint8Array));
    if (bad) {
      throw new ValidationError('data must be a string, a Uint8Array, or an iterable of them', { code: 'ERR_INVALID_DATA' });
    }
    // The sink watches the signal itself, so an abort fails with this library's coded AbortError.
    const sink = new StoreWriteStream(this.client, path, options);
    await pipeline(Readable.from(data as Iterable<Uint8Array | string>, { objectMode: false }), sink);
  }

  /** A store file's JSON, parsed (`ERR_STORE_JSON` when it is not JSON). */
  async readJson<T = unknown>(path: string, options?: CallOptions): Promise<T> {
    const text = (await readStoreFile(this.client, path, options)).toString('utf8');
    return parseStoreJson<T>(text, storeEntryPath(path));
  }

  /** Writes a value as JSON (indented by `space`, default 2) atomically. */
  writeJson(path: string, value: unknown, options: AtomicWriteOptions & { space?: number | string } = {}): Promise<void> {
    let text: string;
    try {
      options = storeOptions(options);
      text = storeJson(value, options.space === undefined ? 2 : options.space);
    } catch (error) {
      return Promise.reject(error);
    }
    return writeStoreFile(this.client, path, text, options);
  }

  /** The entries of a directory (default the root), sorted by name. A missing directory lists nothing. */
  async list(path = '', options?: CallOptions): Promise<StoreEntry[]> {
    return (await fsListDir(this.client, path, options)).entries;
  }

  /** What a path is: `{ exists: false }`, a directory, or a file with `size` and `modified` (epoch seconds). */
  stat(path: string, options?: CallOptions): Promise<StoreStat> {
    return fsStat(this.client, path, options);
  }

  /** Whether a file or directory exists at `path`. */
  async exists(path: string, options?: CallOptions): Promise<boolean> {
    return (await fsStat(this.client, path, options)).exists;
  }

  /** Creates a directory (parents need not exist; an existing one is fine). */
  mkdir(path: string, options?: CallOptions): Promise<void> {
    return fsMkdir(this.client, path, options);
  }

  /**
   * Removes a file or a directory. A directory with content needs `recursive: true` (`ERR_STORE_NOT_EMPTY`
   * otherwise); a missing path fails `ERR_STORE_NOT_FOUND` unless `force`. Looks first, so a file is never handed to
   * `fs_rmdir` (which would delete it whatever `recursive` says).
   */
  async rm(path: string, options: StoreRmOptions = {}): Promise<void> {
    const p = storeEntryPath(path);
    options = storeOptions(options);
    const recursive = flag(options.recursive, 'recursive');
    const force = flag(options.force, 'force');
    const signal = options.signal;
    const st = await fsStat(this.client, p, { signal });
    if (!st.exists) {
      if (force) return;
      throw new StoreError(`No such file or directory: ${p}`, { code: 'ERR_STORE_NOT_FOUND', path: p });
    }
    if (st.type === 'file') return fsDelete(this.client, p, { signal });
    if (st.type === 'both') {
      if (!recursive) throw new StoreError(`Directory not empty: ${p}`, { code: 'ERR_STORE_NOT_EMPTY', path: p });
      await fsDelete(this.client, p, { signal });
    }
    await fsRmdir(this.client, p, recursive, { signal });
  }

  /**
   * Moves a file or a directory. The destination must not exist unless `overwrite` (files only), which replaces it
   * as an atomic write does (renamed aside, the new one renamed in, the old one deleted).
   */
  rename(from: string, to: string, options: CallOptions & { overwrite?: boolean } = {}): Promise<void> {
    let source: string;
    let target: string;
    let overwrite: boolean;
    try {
      source = storeEntryPath(from, 'from');
      target = storeEntryPath(to, 'to');
      options = storeOptions(options);
      overwrite = flag(options.overwrite, 'overwrite');
    } catch (error) {
      return Promise.reject(error);
    }
    return renameInto(this.client, source, target, overwrite, { signal: options.signal });
  }
}
