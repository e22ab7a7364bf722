import { lookupMimeType, ValidationError } from '@rocketride-streams/core';

/**
 * How a stream's chunks become writes (DESIGN.md §3.5, PROTOCOL.md §6.9).
 * - `bytes`: binary data; chunks are coalesced freely.
 * - `text`: UTF-8 text; each write becomes one text segment on the engine, so writes are as large as
 *   `maxWriteBytes` allows, cut only between characters (at a line end when one is near).
 * - `documents`: object mode; each object is sent as one complete JSON document in its own write.
 */
export type PipeMode = 'bytes' | 'text' | 'documents';

/** Progress of one pipe. `bytesSent` counts bytes handed to the socket, `bytesAcknowledged` those the engine confirmed. */
export interface PipeProgress {
  bytesSent: number;
  bytesAcknowledged: number;
  /** Write requests acknowledged so far. */
  writes: number;
  /** Total size when known (`objinfo.size`, a file's size or a buffer's length). */
  total?: number;
}

export interface PipeOptions {
  /** Object information sent with `open` (e.g. `{ name: 'report.csv' }`). Unknown keys are dropped by the engine. */
  objinfo?: Record<string, unknown>;
  /** Shorthand for `objinfo.name`. */
  name?: string;
  /** Total size in bytes, sent as `objinfo.size` (the engine's progress uses it). */
  size?: number;
  /**
   * MIME type; selects the engine lane. Default: looked up from the name, else from the mode
   * (`text/plain` for text, `lane/documents` for documents), else `application/octet-stream`.
   */
  mimeType?: string;
  /** Default: inferred from the MIME type (`text/*` and `lane/text` → text; JSON lanes and questions → documents; else bytes). */
  mode?: PipeMode;
  /** Sends `provider` with `open`; the engine refuses the pipe when the task's source is another provider. */
  provider?: string;
  /** Bytes (objects in documents mode) buffered before `write()` returns false. Default 4 MiB (16 objects). */
  highWaterMark?: number;
  /** Largest payload of one write request. Default 4 MiB (measured in bench/: the best of 1, 2, 4 and 8 MiB). */
  maxWriteBytes?: number;
  /**
   * Text mode holds text back to make large segments, but the engine reaps a pipe that sees no write
   * for 60 s (PROTOCOL.md §6.5). Text held back while the source is quiet for this long is sent as a
   * segment. Default 30000; 0 turns it off. (Bytes and documents are sent as they arrive, so a pipe
   * in those modes is only reaped when the source itself is quiet for a minute.)
   */
  idleFlushMs?: number;
  /** Aborting destroys the stream with an AbortError; the pipe is abandoned, never closed. */
  signal?: AbortSignal;
  /** Called after every acknowledged write (and once after open with zeros). */
  onProgress?: (progress: PipeProgress) => void;
}

export const DEFAULT_MAX_WRITE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_HIGH_WATER_MARK = 4 * 1024 * 1024;
export const DEFAULT_DOCUMENT_HIGH_WATER_MARK = 16;
export const DEFAULT_IDLE_FLUSH_MS = 30_000;

const DOCUMENT_TYPES = new Set(['lane/documents', 'lane/answers', 'lane/classifications', 'lane/questions']);

const MODES: ReadonlySet<string> = new Set(['bytes', 'text', 'documents']);

const invalidOption = (message: string): ValidationError => new ValidationError(message, { code: 'ERR_INVALID_OPTION' });

export function modeForMime(mimeType: string): PipeMode {
  const mime = mimeType.toLowerCase().split(';')[0]!.trim();
  if (mime.startsWith('text/') || mime === 'lane/text') return 'text';
  if (DOCUMENT_TYPES.has(mime) || mime.startsWith('application/rocketride-question')) return 'documents';
  return 'bytes';
}

export interface ResolvedPipeOptions {
  objinfo: Record<string, unknown>;
  mimeType: string;
  mode: PipeMode;
  provider?: string;
  highWaterMark: number;
  maxWriteBytes: number;
  idleFlushMs: number;
  total?: number;
}

export function resolvePipeOptions(options: PipeOptions = {}): ResolvedPipeOptions {
  const objinfo: Record<string, unknown> = { ...options.objinfo };
  if (options.name !== undefined) objinfo.name = options.name;
  if (options.size !== undefined) objinfo.size = options.size;
  const name = typeof objinfo.name === 'string' ? objinfo.name : undefined;
  const fromName = lookupMimeType(name);
  const mimeType =
    options.mimeType ??
    (fromName || (options.mode === 'text' ? 'text/plain' : options.mode === 'documents' ? 'lane/documents' : 'application/octet-stream'));
  const mode = options.mode ?? modeForMime(mimeType);
  const maxWriteBytes = options.maxWriteBytes ?? DEFAULT_MAX_WRITE_BYTES;
  const highWaterMark = options.highWaterMark ?? (mode === 'documents' ? DEFAULT_DOCUMENT_HIGH_WATER_MARK : DEFAULT_HIGH_WATER_MARK);
  if (!Number.isInteger(maxWriteBytes) || maxWriteBytes < 1) throw invalidOption(`maxWriteBytes must be a positive integer, got ${maxWriteBytes}`);
  if (!Number.isInteger(highWaterMark) || highWaterMark < 0) throw invalidOption(`highWaterMark must be a non-negative integer, got ${highWaterMark}`);
  const idleFlushMs = options.idleFlushMs ?? DEFAULT_IDLE_FLUSH_MS;
  if (!Number.isFinite(idleFlushMs) || idleFlushMs < 0) throw invalidOption(`idleFlushMs must be a non-negative number, got ${idleFlushMs}`);
  if (options.mode !== undefined && !MODES.has(options.mode)) throw invalidOption(`mode must be 'bytes', 'text' or 'documents', got ${String(options.mode)}`);
  const total = typeof objinfo.size === 'number' ? objinfo.size : undefined;
  const resolved: ResolvedPipeOptions = { objinfo, mimeType, mode, highWaterMark, maxWriteBytes, idleFlushMs };
  if (options.provider !== undefined) resolved.provider = options.provider;
  if (total !== undefined) resolved.total = total;
  return resolved;
}
