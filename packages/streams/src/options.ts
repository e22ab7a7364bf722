import { lookupMimeType, readArgument } from '@rocketride-streams/core';
import {
  checkFunction,
  checkInteger,
  checkObjinfo,
  checkOptionsObject,
  checkSignal,
  checkString,
  checkTimeout,
  invalidOption,
  MAX_HIGH_WATER_MARK,
  MAX_WRITE_BYTES,
  shown,
} from './option-checks.js';

/**
 * How a stream's chunks become writes.
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
  /** Bytes (objects in documents mode) that may wait behind the write in flight before `write()` returns false. Default 4 MiB (16 objects). */
  highWaterMark?: number;
  /** Largest payload of one write request. Default 4 MiB (measured in bench/: the best of 1, 2, 4 and 8 MiB). */
  maxWriteBytes?: number;
  /**
   * Text mode holds text back to make large segments, but the engine reaps a pipe that sees no write
   * for 60 s. Text held back while the source is quiet for this long is sent as a
   * segment. Default 30000; 0 turns it off. (Bytes and documents are sent as they arrive, so a pipe
   * in those modes is only reaped when the source itself is quiet for a minute.)
   */
  idleFlushMs?: number;
  /**
   * Longest wait in ms for the engine to acknowledge one write; 0 = none. Default 120000, or the
   * client's `requestTimeout` when that is set and shorter. When it passes,
   * the stream fails with TimeoutError `ERR_WRITE_TIMEOUT` and the pipe is abandoned, never closed. It
   * does not apply to `open`, which the engine withholds while the task's `threads` are all taken.
   */
  writeTimeoutMs?: number;
  /**
   * Longest wait in ms for the answer to `close` (the engine answers once the whole object went
   * through the pipeline); 0 = none. Default 300000, or the client's `requestTimeout` when that is set
   * and shorter. Without an answer by then the stream fails with
   * PipeError `ERR_COMMIT_UNKNOWN`: the object may or may not have been committed.
   */
  closeTimeoutMs?: number;
  /**
   * Aborting destroys the stream with an AbortError; the pipe is abandoned, never closed. Once `close`
   * has been sent an abort cannot undo it: the answer is still awaited (up to 30 s) and the real
   * outcome reported, or `ERR_COMMIT_UNKNOWN` without an answer.
   */
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
  /** Undefined: the library default, capped by the client's `requestTimeout` when that is set. */
  writeTimeoutMs?: number;
  closeTimeoutMs?: number;
  total?: number;
}

/**
 * Checks every field of {@link PipeOptions} (types, integer ranges), so an unusable option fails with
 * `ERR_INVALID_OPTION` before anything is opened or sent.
 */
export function checkPipeOptions(options: unknown): void {
  checkOptionsObject(options);
  if (options === undefined) return;
  // A getter or Proxy trap that throws while the fields are read is refused (coded), naming what could not be read.
  readArgument('options', () => checkPipeFields(options as PipeOptions));
}

function checkPipeFields(o: PipeOptions): void {
  const objinfo = o.objinfo;
  readArgument('objinfo', () => checkObjinfo(objinfo));
  checkString(o.name, 'name');
  checkInteger(o.size, 'size', 0, Number.MAX_SAFE_INTEGER);
  checkString(o.mimeType, 'mimeType');
  if (o.mode !== undefined && !MODES.has(o.mode)) throw invalidOption(`mode must be 'bytes', 'text' or 'documents', got ${shown(o.mode)}`);
  checkString(o.provider, 'provider');
  checkInteger(o.highWaterMark, 'highWaterMark', 0, MAX_HIGH_WATER_MARK);
  checkInteger(o.maxWriteBytes, 'maxWriteBytes', 1, MAX_WRITE_BYTES);
  checkTimeout(o.idleFlushMs, 'idleFlushMs');
  checkTimeout(o.writeTimeoutMs, 'writeTimeoutMs');
  checkTimeout(o.closeTimeoutMs, 'closeTimeoutMs');
  checkSignal(o.signal);
  checkFunction(o.onProgress, 'onProgress');
}

export function resolvePipeOptions(options: PipeOptions = {}): ResolvedPipeOptions {
  checkPipeOptions(options);
  const objinfo: Record<string, unknown> = readArgument('objinfo', () => ({ ...options.objinfo }));
  if (options.name !== undefined) objinfo.name = options.name;
  if (options.size !== undefined) objinfo.size = options.size;
  const name = typeof objinfo.name === 'string' ? objinfo.name : undefined;
  const fromName = lookupMimeType(name);
  const mimeType =
    options.mimeType ??
    (fromName || (options.mode === 'text' ? 'text/plain' : options.mode === 'documents' ? 'lane/documents' : 'application/octet-stream'));
  const mode = options.mode ?? modeForMime(mimeType);
  const resolved: ResolvedPipeOptions = {
    objinfo,
    mimeType,
    mode,
    highWaterMark: options.highWaterMark ?? (mode === 'documents' ? DEFAULT_DOCUMENT_HIGH_WATER_MARK : DEFAULT_HIGH_WATER_MARK),
    maxWriteBytes: options.maxWriteBytes ?? DEFAULT_MAX_WRITE_BYTES,
    idleFlushMs: options.idleFlushMs ?? DEFAULT_IDLE_FLUSH_MS,
  };
  if (options.writeTimeoutMs !== undefined) resolved.writeTimeoutMs = options.writeTimeoutMs;
  if (options.closeTimeoutMs !== undefined) resolved.closeTimeoutMs = options.closeTimeoutMs;
  if (options.provider !== undefined) resolved.provider = options.provider;
  if (typeof objinfo.size === 'number') resolved.total = objinfo.size;
  return resolved;
}
