/**
 * The file store commands of the official SDKs (`rrext_store`, PROTOCOL.md §16.B–§16.D), with their names and
 * argument order, plus `{ signal }`. Paths are checked with the engine's rules before anything is sent
 * (`store-paths.ts`); failures are coded {@link StoreError}s (`store-errors.ts`). Handles are counted per client so
 * that opens beyond the engine's 64 per connection wait for a close instead of failing (`store-state.ts`).
 */
import type { DAPResponse } from '../codec/types.js';
import type { CallOptions } from '../config/options.js';
import { ConnectionError } from '../errors/connection-error.js';
import { StoreError } from '../errors/store-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { describe, readArgument } from '../config/validate.js';
import { abortError } from '../transport/pending.js';
import type { StoreHost } from './host.js';
import { storeFailure } from './store-errors.js';
import { normalizeStorePath, storeEntryPath } from './store-paths.js';
import { storeState } from './store-state.js';

/** The most `fs_read` returns at once; larger `length`s are clamped by the engine. */
export const MAX_STORE_READ = 4_194_304;

export type StoreMode = 'r' | 'w';

/** `fs_open`: the handle, and for reading the file's size. */
export interface StoreOpenResult {
  handle: string;
  size?: number;
}

/** One entry of `fs_list_dir`: files have `size` and `modified` (epoch seconds). */
export interface StoreEntry {
  name: string;
  type: 'file' | 'dir';
  size?: number;
  modified?: number;
}

export interface StoreListing {
  entries: StoreEntry[];
  count: number;
}

/** `fs_stat`: `type` `both` only happens on object stores (a file and a directory of the same name). */
export interface StoreStat {
  exists: boolean;
  type?: 'file' | 'dir' | 'both';
  size?: number;
  modified?: number;
}

const COMMAND = 'rrext_store';

/** Sends one subcommand; resolves with the whole response on success, throws the coded error otherwise. */
async function storeRequest<B>(
  client: StoreHost,
  subcommand: string,
  args: Record<string, unknown>,
  path: string | undefined,
  options?: { signal?: AbortSignal | undefined; timeout?: number },
): Promise<DAPResponse<B>> {
  const response = await client.request<B>(COMMAND, { subcommand, ...args }, options);
  if (!response.success) throw storeFailure(response, subcommand, path);
  return response;
}

function checkSignal(options: CallOptions | undefined, what: string): AbortSignal | undefined {
  // Options that are not an object (`fsStat(p, 'x')`), or that cannot be read, are refused, not ignored.
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ValidationError(`${what}(): options must be an object (got ${describe(options)})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  const signal = readArgument(`${what}(): options`, () => options?.signal);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ValidationError('options.signal must be an AbortSignal', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (signal?.aborted) throw abortError(signal, what);
  return signal;
}

function requireHandle(handle: unknown): asserts handle is string {
  if (typeof handle !== 'string' || handle === '') {
    throw new ValidationError('handle must be a non-empty string (from fsOpen)', { code: 'ERR_INVALID_ARGUMENT' });
  }
}

function requireMode(mode: unknown): asserts mode is StoreMode {
  if (mode !== 'r' && mode !== 'w') {
    throw new ValidationError(`mode must be 'r' or 'w', got ${JSON.stringify(mode) ?? String(mode)}`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/**
 * Settles like `work`, except that an abort rejects at once with an AbortError; a result that arrives after the
 * abort is handed to `late` (which closes a handle opened meanwhile, so none leaks).
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string, late: (value: T) => void): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      reject(abortError(signal, what));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Closes a handle, ignoring every failure (for cleanups). */
export function closeQuietly(client: StoreHost, handle: string, mode: StoreMode): Promise<void> {
  return fsClose(client, handle, mode).catch(() => undefined);
}

/**
 * Opens a file (`fs_open`): `'r'` (default) for reading, with its size, or `'w'` for writing. Waits while this
 * client already holds 64 handles (the engine's limit per connection) until one is closed. A handle opened after
 * the signal fired is closed again at once.
 * ⚠ On the engine's filesystem backend `'w'` truncates the file at once: prefer
 * `fsWriteString`/`fsWriteJson` or the streams package's `createWriteStream`, which write a temporary file and rename it.
 */
export function fsOpen(client: StoreHost, path: string, mode: StoreMode = 'r', options?: CallOptions): Promise<StoreOpenResult> {
  return openStoreHandle(client, path, mode, options);
}

/**
 * {@link fsOpen} with a say in what happens to a handle whose `fs_open` reply arrives after `signal` fired
 * (default: it is closed). The permit wait is aborted by `signal`; the `fs_open` request itself is not, so its
 * handle is never lost track of.
 */
export async function openStoreHandle(
  client: StoreHost,
  path: string,
  mode: StoreMode = 'r',
  options?: CallOptions & { onLate?: (opened: StoreOpenResult) => void },
): Promise<StoreOpenResult> {
  const p = storeEntryPath(path);
  requireMode(mode);
  const signal = checkSignal(options, 'fsOpen');
  if (!client.isConnected()) throw new ConnectionError('Not connected: call connect() first', { code: 'ERR_NOT_CONNECTED', command: COMMAND });
  const state = storeState(client);
  const release = await state.permits.acquire(signal);
  const opening = storeRequest<{ handle?: unknown; size?: unknown }>(client, 'fs_open', { path: p, mode }, p).then(
    (response) => {
      const handle = response.body?.handle;
      if (typeof handle !== 'string' || handle === '') {
        release();
        throw new StoreError('fs_open replied without a handle', { code: 'ERR_STORE_PROTOCOL', command: COMMAND, response, path: p });
      }
      // A handle this client already holds: taking it again would drop the first one's permit for good (one less of
      // the 64 each time, until every open waits forever).
      if (state.handles.has(handle)) {
        release();
        throw new StoreError('fs_open replied with a handle that is already open', { code: 'ERR_STORE_PROTOCOL', command: COMMAND, response, path: p });
      }
      state.handles.set(handle, { mode, path: p, release });
      const size = response.body?.size;
      return mode === 'r' && typeof size === 'number' ? { handle, size } : { handle };
    },
    (error: unknown) => {
      release();
      throw error;
    },
  );
  const late = options?.onLate ?? ((opened: StoreOpenResult) => void closeQuietly(client, opened.handle, mode));
  return abortable(opening, signal, 'fsOpen', late);
}

/**
 * Reads up to `length` bytes at `offset` (`fs_read`); an empty buffer means the end of the file. The engine clamps
 * `length` to 4 MiB. The bytes are a view on the received frame (no copy).
 */
export async function fsRead(
  client: StoreHost,
  handle: string,
  offset = 0,
  length: number = MAX_STORE_READ,
  options?: CallOptions,
): Promise<Buffer> {
  requireHandle(handle);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError('offset must be a non-negative integer', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new ValidationError('length must be a positive integer', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const signal = checkSignal(options, 'fsRead');
  let response: DAPResponse<{ size?: unknown }>;
  try {
    response = await storeRequest<{ size?: unknown }>(client, 'fs_read', { handle, offset, length }, undefined, { signal });
  } catch (error) {
    if ((error as StoreError).code === 'ERR_STORE_HANDLE' && /^Invalid handle/.test(String((error as StoreError).serverMessage))) {
      storeState(client).forget(handle);
    }
    throw error;
  }
  const data = response.arguments?.data;
  // A successful fs_read is always a binary frame, even at the end of the file (PROTOCOL.md §16.C): a reply without
  // bytes is not an end of file, and more bytes than asked for would run past a range's end.
  if (!(data instanceof Uint8Array)) {
    throw new StoreError('fs_read replied without its bytes (not a binary frame)', { code: 'ERR_STORE_PROTOCOL', command: COMMAND, response });
  }
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength > length) {
    throw new StoreError(`fs_read asked for ${length} bytes but carried ${bytes.byteLength}`, { code: 'ERR_STORE_PROTOCOL', command: COMMAND, response });
  }
  const size = response.body?.size;
  if (typeof size === 'number' && size !== bytes.byteLength) {
    throw new StoreError(`fs_read announced ${size} bytes but carried ${bytes.byteLength}`, {
      code: 'ERR_STORE_PROTOCOL',
      command: COMMAND,
      response,
    });
  }
  return bytes;
}


/** Appends bytes to a write handle (`fs_write`, one binary frame; a list is sent as fragments, never joined). */
export async function fsWrite(
  client: StoreHost,
  handle: string,
  data: Uint8Array | readonly Uint8Array[] | string,
  options?: CallOptions,
): Promise<number> {
  requireHandle(handle);
  let payload: Uint8Array | readonly Uint8Array[];
  if (typeof data === 'string') payload = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array || (Array.isArray(data) && data.every((d) => d instanceof Uint8Array))) payload = data;
  else {
    throw new ValidationError('data must be a Uint8Array, a list of them, or a string', { code: 'ERR_INVALID_DATA' });
  }
  const signal = checkSignal(options, 'fsWrite');
  const response = await storeRequest<{ bytesWritten?: unknown }>(client, 'fs_write', { handle, data: payload }, undefined, { signal });
  const written = response.body?.bytesWritten;
  return typeof written === 'number' ? written : 0;
}

/**
 * Closes a handle (`fs_close`); closing a write handle commits what was written. `mode` defaults to the mode the
 * handle was opened with by this client (the SDKs require it: the engine refuses a write handle closed as `'r'`).
 * An abort rejects at once; the close still completes on the engine and the handle is accounted for then.
 */
export async function fsClose(client: StoreHost, handle: string, mode?: StoreMode, options?: CallOptions): Promise<void> {
  requireHandle(handle);
  const state = storeState(client);
  // Only a missing mode defaults (`null` is a careless caller's value, refused as fsOpen refuses it).
  const m = mode === undefined ? (state.handles.get(handle)?.mode ?? 'r') : mode;
  requireMode(m);
  const signal = checkSignal(options, 'fsClose');
  const closing = client.request<unknown>(COMMAND, { subcommand: 'fs_close', handle, mode: m }).then((response) => {
    // Closed, or already unknown to the engine: either way the handle no longer counts.
    if (response.success || /^Invalid handle/.test(String(response.message))) state.forget(handle);
    if (!response.success) throw storeFailure(response, 'fs_close');
  });
  return abortable(closing, signal, 'fsClose', () => {});
}

/** Deletes a file (`fs_delete`). Directories: `fsRmdir`. */
export async function fsDelete(client: StoreHost, path: string, options?: CallOptions): Promise<void> {
  const p = storeEntryPath(path);
  const signal = checkSignal(options, 'fsDelete');
  await storeRequest(client, 'fs_delete', { path: p }, p, { signal });
}

/** The immediate children of a directory (`fs_list_dir`), sorted by name; default the store root. */
export async function fsListDir(client: StoreHost, path = '', options?: CallOptions): Promise<StoreListing> {
  const p = normalizeStorePath(path);
  const signal = checkSignal(options, 'fsListDir');
  const response = await storeRequest<{ entries?: unknown; count?: unknown }>(client, 'fs_list_dir', { path: p }, p, { signal });
  const entries = Array.isArray(response.body?.entries) ? (response.body.entries as StoreEntry[]) : [];
  // Callers (getAllTemplates, listLogs, the CLI) read `name` and `type` of every entry: one without them would fail
  // there as an uncoded TypeError.
  const bad = entries.findIndex((e) => typeof e !== 'object' || e === null || typeof e.name !== 'string' || typeof e.type !== 'string');
  if (bad !== -1) {
    throw new StoreError(`fs_list_dir replied with a malformed entry (entries[${bad}] has no name or type)`, { code: 'ERR_STORE_PROTOCOL', command: COMMAND, response, path: p });
  }
  return { entries, count: typeof response.body?.count === 'number' ? response.body.count : entries.length };
}

/** Creates a directory (`fs_mkdir`: a hidden `.dirmarker` file); parents need not exist, repeating it is fine. */
export async function fsMkdir(client: StoreHost, path: string, options?: CallOptions): Promise<void> {
  const p = storeEntryPath(path);
  const signal = checkSignal(options, 'fsMkdir');
  await storeRequest(client, 'fs_mkdir', { path: p }, p, { signal });
}

/**
 * Removes a directory (`fs_rmdir`); with `recursive` everything below it. ⚠ The engine's filesystem backend treats a
 * file as a directory here and deletes it with `recursive`; the streams package's `rm` checks.
 */
export async function fsRmdir(client: StoreHost, path: string, recursive = false, options?: CallOptions): Promise<void> {
  const p = storeEntryPath(path);
  if (typeof recursive !== 'boolean') {
    throw new ValidationError('recursive must be a boolean', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const signal = checkSignal(options, 'fsRmdir');
  await storeRequest(client, 'fs_rmdir', { path: p, recursive }, p, { signal });
}

/** What a path is (`fs_stat`): `{ exists: false }`, a directory, or a file with `size` and `modified` (epoch seconds). */
export async function fsStat(client: StoreHost, path: string, options?: CallOptions): Promise<StoreStat> {
  const p = normalizeStorePath(path);
  const signal = checkSignal(options, 'fsStat');
  const response = await storeRequest<StoreStat>(client, 'fs_stat', { path: p }, p, { signal });
  return response.body ?? { exists: false };
}

/**
 * Moves a file or a directory with its content (`fs_rename`; copy + delete on the engine). The destination must not
 * exist (`ERR_STORE_EXISTS`); the streams package's `rename(…, { overwrite: true })` replaces it.
 */
export async function fsRename(client: StoreHost, oldPath: string, newPath: string, options?: CallOptions): Promise<void> {
  const from = storeEntryPath(oldPath, 'oldPath');
  const to = storeEntryPath(newPath, 'newPath');
  const signal = checkSignal(options, 'fsRename');
  await storeRequest(client, 'fs_rename', { old_path: from, new_path: to }, from, { signal });
}

