/**
 * Whole-file reads and writes over the handle commands, and the official SDKs' text and JSON helpers
 * (`fsReadString`, `fsWriteString`, `fsReadJson`, `fsWriteJson`). Writes are atomic (`store-atomic.ts`), unlike the
 * SDKs', which leave a truncated file behind a failure.
 */
import type { CallOptions } from '../config/options.js';
import { StoreError } from '../errors/store-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { describe } from '../config/validate.js';
import type { StoreHost } from './host.js';
import { fsClose, fsOpen, fsRead, MAX_STORE_READ } from './store.js';
import { AtomicStoreWriter, type AtomicWriteOptions } from './store-atomic.js';
import { CLEANUP_TIMEOUT } from './store-state.js';

/** Largest payload of one `fs_write` made by the whole-file helpers. */
export const STORE_WRITE_PIECE = 4 * 1024 * 1024;

/**
 * Reads a whole file: one handle, `fs_read`s of up to 4 MiB until a short read, then `fs_close` (also on failure or
 * abort). A file read in one piece is returned as the received bytes (no copy); otherwise the pieces are joined once.
 */
export async function readStoreFile(client: StoreHost, path: string, options?: CallOptions): Promise<Buffer> {
  const { handle, size } = await fsOpen(client, path, 'r', options);
  try {
    const pieces: Buffer[] = [];
    let offset = 0;
    for (;;) {
      // One byte more than the size announced at open, so that the last read comes back short and ends the loop; past
      // that size (the file grew, or the size was wrong) full reads, not one byte per fs_read.
      const want = size !== undefined && offset <= size ? Math.min(MAX_STORE_READ, size - offset + 1) : MAX_STORE_READ;
      const piece = await fsRead(client, handle, offset, want, options);
      if (piece.byteLength > 0) pieces.push(piece);
      offset += piece.byteLength;
      if (piece.byteLength < want) break;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, offset);
  } finally {
    await fsClose(client, handle, 'r', { signal: AbortSignal.timeout(CLEANUP_TIMEOUT) }).catch(() => undefined);
  }
}

/** The bytes of `data`: a Uint8Array as it is, a string as UTF-8. */
export function storeBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw new ValidationError('data must be a string or a Uint8Array', { code: 'ERR_INVALID_DATA' });
}

/** Writes a whole file atomically (see {@link AtomicStoreWriter}): pieces of up to 4 MiB, one `fs_write` at a time. */
export async function writeStoreFile(
  client: StoreHost,
  path: string,
  data: Uint8Array | string,
  options?: AtomicWriteOptions,
): Promise<void> {
  const bytes = storeBytes(data);
  const writer = new AtomicStoreWriter(client, path, options);
  try {
    await writer.open();
    for (let at = 0; at < bytes.byteLength; at += STORE_WRITE_PIECE) {
      await writer.write(bytes.subarray(at, Math.min(bytes.byteLength, at + STORE_WRITE_PIECE)));
    }
    await writer.commit();
  } catch (error) {
    await writer.abort(error as Error);
    throw writer.failure ?? error;
  }
}

/** JSON text of `value`, indented by `space`; refuses what JSON cannot represent. */
export function storeJson(value: unknown, space: number | string = 2): string {
  // JSON.stringify silently ignores a space it cannot use (-1, NaN, an object): a careless caller's value is refused.
  if (!(typeof space === 'string' || (Number.isInteger(space) && space >= 0 && space <= 10))) {
    throw new ValidationError(`space must be an integer from 0 to 10 or a string (got ${describe(space)})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, space);
  } catch (cause) {
    throw new ValidationError(`The value is not serialisable to JSON: ${(cause as Error).message}`, { code: 'ERR_INVALID_DATA', cause });
  }
  if (text === undefined) throw new ValidationError('The value serialises to nothing (undefined, a function or a symbol)', { code: 'ERR_INVALID_DATA' });
  return text;
}

/** Parses a file's JSON text. @throws StoreError `ERR_STORE_JSON` when it is not JSON. */
export function parseStoreJson<T>(text: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new StoreError(`${path} is not valid JSON: ${(cause as Error).message}`, { code: 'ERR_STORE_JSON', cause, path });
  }
}

/** A file as UTF-8 text (official `fsReadString`). */
export async function fsReadString(client: StoreHost, path: string, options?: CallOptions): Promise<string> {
  return (await readStoreFile(client, path, options)).toString('utf8');
}

/** Writes UTF-8 text to a file, atomically (official `fsWriteString`). */
export function fsWriteString(client: StoreHost, path: string, text: string, options?: AtomicWriteOptions): Promise<void> {
  if (typeof text !== 'string') return Promise.reject(new ValidationError('text must be a string', { code: 'ERR_INVALID_DATA' }));
  return writeStoreFile(client, path, text, options);
}

/** A JSON file, parsed (official `fsReadJson`). */
export async function fsReadJson<T = unknown>(client: StoreHost, path: string, options?: CallOptions): Promise<T> {
  return parseStoreJson<T>(await fsReadString(client, path, options), path);
}

/** Writes a value as JSON indented by 2, as the SDKs do, atomically (official `fsWriteJson`). */
export async function fsWriteJson(client: StoreHost, path: string, value: unknown, options?: AtomicWriteOptions): Promise<void> {
  return writeStoreFile(client, path, storeJson(value), options);
}
