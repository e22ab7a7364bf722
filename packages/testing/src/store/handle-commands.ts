/** The handle subcommands of `rrext_store`: `fs_open`, `fs_write`, `fs_read`, `fs_close`. */
import { serverFailure } from '../failure.js';
import type { ReadContext, WriteContext } from './backend.js';
import { BinaryBody, HEADER_ROOM } from './binary-reply.js';
import { serial } from './handles.js';
import { messageOf } from './oserror.js';
import { keyOf } from './paths.js';
import { pyTypeName } from './pytext.js';
import type { EngineStore } from './store.js';

/** Largest `fs_read`, and its default length (§16.C.3). */
export const MAX_READ_LENGTH = 4_194_304;

/** One `rrext_store` request, resolved to the caller's namespace. */
export interface StoreCall {
  store: EngineStore;
  userId: string;
  /** Id of the calling connection (the handles' owner). */
  connId: number;
  args: Record<string, unknown>;
}

export type StoreResult = Record<string, unknown> | undefined;

/** A JSON value Python would take as an `int` (booleans included), as a number; undefined otherwise. */
function pyInt(v: unknown): number | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** `fs_open {path, mode}`: `mode:"w"` → `{handle}`, anything else → a read handle `{handle, size}`. */
export async function fsOpen({ store, userId, connId, args }: StoreCall): Promise<StoreResult> {
  const key = keyOf(userId, args.path);
  const table = store.table(userId);
  if (args.mode === 'w') {
    const h = table.openWrite(key, args.path as string, connId);
    let ctx: WriteContext;
    try {
      ctx = await store.backend.openWrite(key, store.truncateAtOpen);
    } catch (err) {
      table.remove(h);
      table.unlock(key);
      throw err;
    }
    // The connection may have closed meanwhile, taking the handle with it.
    if (!table.has(h)) await store.backend.discard(ctx);
    else h.ctx = ctx;
    return { handle: h.id };
  }
  const h = table.openRead(key, connId);
  try {
    const { ctx, size } = await store.backend.openRead(key);
    if (!table.has(h)) await store.backend.closeRead(ctx);
    else h.ctx = ctx;
    return { handle: h.id, size };
  } catch (err) {
    table.remove(h);
    throw err;
  }
}

/** The bytes of an `fs_write`: the binary payload, a string (UTF-8), or nothing. */
function writeData(data: unknown, key: string): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  throw serverFailure(
    `Failed to write chunk to ${key}: a bytes-like object is required, not '${pyTypeName(data)}'`,
    'filesystem.py',
    341,
  );
}

/** `fs_write {handle}` + bytes → `{bytesWritten}`; writes append in arrival order. */
export async function fsWrite({ store, userId, connId, args }: StoreCall): Promise<StoreResult> {
  const h = store.table(userId).get(args.handle, 'w', connId);
  const data = writeData(args.data, h.key);
  const n = await serial(h, () => store.backend.writeChunk(h.key, h.ctx as WriteContext, data));
  h.bytesWritten += n;
  return { bytesWritten: n };
}

/**
 * `fs_read {handle, offset, length}` → one binary frame `{size}` + bytes. A negative or non-integer `offset` reads
 * from 0; a non-positive or non-integer `length` reads 4 MiB; a larger one is clamped to 4 MiB (§16.C.3).
 */
export async function fsRead({ store, userId, connId, args }: StoreCall): Promise<StoreResult> {
  const requestedOffset = pyInt(args.offset);
  const offset = requestedOffset !== undefined && requestedOffset >= 0 ? requestedOffset : 0;
  const requestedLength = pyInt(args.length);
  const length = requestedLength !== undefined && requestedLength > 0 ? Math.min(requestedLength, MAX_READ_LENGTH) : MAX_READ_LENGTH;
  const h = store.table(userId).get(args.handle, 'r', connId);
  const read = await serial(h, () => store.backend.readChunk(h.key, h.ctx as ReadContext, offset, length, HEADER_ROOM));
  return new BinaryBody({ size: read.length - HEADER_ROOM }, read, HEADER_ROOM);
}

/** `fs_close {handle, mode}`: `mode:"w"` commits a write handle; anything else closes a read handle. No body. */
export async function fsClose({ store, userId, connId, args }: StoreCall): Promise<StoreResult> {
  const table = store.table(userId);
  const h = table.get(args.handle, args.mode === 'w' ? 'w' : 'r', connId);
  try {
    await store.finish(table, h, true);
  } catch (err) {
    throw serverFailure(
      `Close failed after ${h.bytesWritten} bytes; file state indeterminate: ${messageOf(err)}`,
      'file_store.py',
      158,
    );
  }
  return undefined;
}
