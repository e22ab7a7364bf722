import { AbortError, describeValue, type PipelineResult, readArgument, RocketRideError } from '@rocketride-streams/core';
import { type FileEntry, type PipeProgress, resolvePipeOptions, upload, type UploadFilesOptions, type UploadOptions } from '@rocketride-streams/streams';
import { checkWait, DEFAULT_NO_ENGINE_WAIT_MS, invalid } from './checks.js';
import type { Lease, Router } from './router.js';

/**
 * What became of a file:
 * - `committed`: the engine answered `close`; `engine` committed it, once.
 * - `failed`: not committed anywhere (the source failed, the engine refused it, or every attempt was lost).
 * - `commit-unknown`: `close` was sent to `engine` but no answer came (the engine or the connection died):
 *   the object may or may not be committed there. Re-sent only with `retryUnknown: true`.
 * - `aborted`: the signal aborted before the file was committed; it was not committed.
 */
export type PoolFileStatus = 'committed' | 'failed' | 'commit-unknown' | 'aborted';

/** One file's outcome in a pool upload (the fields of `uploadFiles`' result, plus where and how it went). */
export interface PoolFileResult {
  path: string;
  ok: boolean;
  status: PoolFileStatus;
  /** The engine that committed the file (or, for `commit-unknown`, the one that may have); the last one tried otherwise. */
  engine?: string;
  /** Sends of the file: 1, plus one per re-send after an engine failure. */
  attempts: number;
  result?: PipelineResult;
  error?: Error;
  /** Of the last attempt. */
  bytesSent: number;
  bytesAcknowledged: number;
}

/** Progress of a pool upload: the file's pipe, where it goes, and the batch's totals. */
export interface PoolBatchProgress {
  index: number;
  path: string;
  engine: string;
  attempt: number;
  file: PipeProgress;
  /** Sums over the current attempt of every file. */
  bytesSent: number;
  bytesAcknowledged: number;
  filesDone: number;
  filesTotal: number;
}

export interface PoolUploadFilesOptions extends Omit<UploadFilesOptions, 'onProgress' | 'concurrency'> {
  /** Files in flight at once, 1–256. Default 5 per replica. Each replica also takes at most `threads` at once. */
  concurrency?: number;
  /** Re-sends of one file after engine failures (connection lost before `close`, write timeout), 0–100. Default 3. */
  retries?: number;
  /** Re-send a `commit-unknown` file too (it may then be committed twice). Default false. */
  retryUnknown?: boolean;
  /** How long a file waits for an engine to come (back) while none is ready, in ms. Default 30000. */
  noEngineWaitMs?: number;
  onProgress?: (progress: PoolBatchProgress) => void;
  /** Called with each file's result as soon as it is final (before the batch resolves). */
  onResult?: (index: number, result: PoolFileResult) => void;
}

type Entry = { path: string; objinfo?: Record<string, unknown>; mimeType?: string };

/** Codes of failures that leave the object uncommitted and say nothing about the file: safe to send again elsewhere. */
// ERR_CONNECTION_LOST: the engine or its connection died with the pipe open; ERR_NOT_CONNECTED: it dropped between
// the pick and the open; ERR_WRITE_TIMEOUT: the engine stopped acknowledging (the pipe is abandoned, never closed).
const RETRYABLE = new Set(['ERR_CONNECTION_LOST', 'ERR_NOT_CONNECTED', 'ERR_WRITE_TIMEOUT']);


function checkInt(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`uploadFiles() options.${name} must be an integer from ${min} to ${max} (got ${describeValue(value)})`);
  }
}

function entryOf(input: unknown, i: number): Entry {
  let entry: Record<string, unknown>;
  if (typeof input === 'string') entry = { path: input };
  else if (Array.isArray(input)) entry = { path: input[0], objinfo: input[1], mimeType: input[2] };
  else if (typeof input === 'object' && input !== null) entry = input as Record<string, unknown>;
  else throw invalid(`files[${i}] must be a path, { path, objinfo?, mimeType? } or [path, objinfo?, mimeType?] (got ${describeValue(input)})`, 'ERR_INVALID_SOURCE');
  if (typeof entry.path !== 'string' || entry.path === '') throw invalid(`files[${i}] has no path`, 'ERR_INVALID_SOURCE');
  const { objinfo, mimeType } = entry;
  if (objinfo !== undefined && (typeof objinfo !== 'object' || objinfo === null || Array.isArray(objinfo))) {
    throw invalid(`files[${i}].objinfo must be an object (got ${describeValue(objinfo)})`);
  }
  if (mimeType !== undefined && typeof mimeType !== 'string') throw invalid(`files[${i}].mimeType must be a string (got ${describeValue(mimeType)})`);
  const out: Entry = { path: entry.path };
  if (objinfo !== undefined) out.objinfo = objinfo as Record<string, unknown>;
  if (mimeType !== undefined) out.mimeType = mimeType as string;
  return out;
}

/** Checks the arguments of `poolTask.uploadFiles` before any file is opened or anything sent. */
function checkArguments(files: unknown, options: unknown): Entry[] {
  if (!Array.isArray(files)) throw invalid(`uploadFiles() files must be an array (got ${describeValue(files)})`, 'ERR_INVALID_SOURCE');
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(`uploadFiles() options must be an object (got ${describeValue(options)})`);
  const o = options as PoolUploadFilesOptions;
  checkInt(o.concurrency, 'concurrency', 1, 256);
  checkInt(o.retries, 'retries', 0, 100);
  checkInt(o.fileChunkSize, 'fileChunkSize', 1, 128 * 1024 * 1024);
  checkWait(o.noEngineWaitMs, 'uploadFiles()');
  if (o.retryUnknown !== undefined && typeof o.retryUnknown !== 'boolean') throw invalid(`uploadFiles() options.retryUnknown must be true or false (got ${describeValue(o.retryUnknown)})`);
  for (const name of ['onProgress', 'onResult'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw invalid(`uploadFiles() options.${name} must be a function (got ${describeValue(o[name])})`);
  }
  const { concurrency: _c, retries: _r, retryUnknown: _u, noEngineWaitMs: _w, onProgress: _p, onResult: _o, fileChunkSize: _f, ...pipe } = o;
  resolvePipeOptions(pipe);
  return files.map(entryOf);
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** The body of `poolTask.uploadFiles` (see there). */
export async function uploadFilesOver(router: Router, replicas: number, files: readonly FileEntry[], options: PoolUploadFilesOptions): Promise<PoolFileResult[]> {
  // Copied once (when it is an object; checkArguments refuses the rest): a throwing getter or Proxy trap is refused, coded.
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) options = readArgument('uploadFiles() options', () => ({ ...options }));
  const entries = checkArguments(files, options);
  const { concurrency = Math.min(256, 5 * replicas), retries = 3, retryUnknown = false, noEngineWaitMs = DEFAULT_NO_ENGINE_WAIT_MS, onProgress, onResult, signal } = options;
  const { concurrency: _c, retries: _r, retryUnknown: _u, noEngineWaitMs: _w, onProgress: _p, onResult: _o, ...common } = options;
  const results: PoolFileResult[] = entries.map((e) => ({ path: e.path, ok: false, status: 'failed', attempts: 0, bytesSent: 0, bytesAcknowledged: 0 }));
  const totals = { bytesSent: 0, bytesAcknowledged: 0, filesDone: 0 };
  let next = 0;

  const finish = (index: number): void => {
    totals.filesDone++;
    try {
      onResult?.(index, results[index]!);
    } catch (thrown) {
      process.emitWarning(new RocketRideError(`the onResult callback threw: ${asError(thrown).message}`, { code: 'ERR_LISTENER', cause: thrown }));
    }
  };

  /** One send of the file on the leased replica; resolves to the error (undefined when committed). */
  const send = async (index: number, lease: Lease): Promise<Error | undefined> => {
    const entry = entries[index]!;
    const record = results[index]!;
    const engine = lease.replica.engine.name;
    totals.bytesSent -= record.bytesSent;
    totals.bytesAcknowledged -= record.bytesAcknowledged;
    record.bytesSent = 0;
    record.bytesAcknowledged = 0;
    record.engine = engine;
    record.attempts++;
    const fileOptions: UploadOptions = {
      ...common,
      onProgress: (p) => {
        totals.bytesSent += p.bytesSent - record.bytesSent;
        totals.bytesAcknowledged += p.bytesAcknowledged - record.bytesAcknowledged;
        record.bytesSent = p.bytesSent;
        record.bytesAcknowledged = p.bytesAcknowledged;
        onProgress?.({ index, path: entry.path, engine, attempt: record.attempts, file: p, ...totals, filesTotal: entries.length });
      },
    };
    if (entry.objinfo) fileOptions.objinfo = entry.objinfo;
    if (entry.mimeType) fileOptions.mimeType = entry.mimeType;
    try {
      record.result = await upload(lease.replica.engine.client, lease.replica.token!, { path: entry.path }, fileOptions);
      return undefined;
    } catch (thrown) {
      return asError(thrown);
    } finally {
      lease.release();
    }
  };

  const one = async (index: number): Promise<void> => {
    const record = results[index]!;
    for (;;) {
      if (signal?.aborted) {
        record.status = 'aborted';
        record.error = new AbortError('Upload aborted before this file was committed', { cause: signal.reason });
        return;
      }
      let lease: Lease;
      try {
        lease = await router.acquire(signal, noEngineWaitMs);
      } catch (thrown) {
        const error = asError(thrown);
        record.status = error instanceof AbortError ? 'aborted' : 'failed';
        record.error = error;
        return;
      }
      const error = await send(index, lease);
      if (error === undefined) {
        record.ok = true;
        record.status = 'committed';
        delete record.error;
        return;
      }
      record.error = error;
      const code = (error as { code?: unknown }).code;
      const resend = record.attempts <= retries && !signal?.aborted;
      if (code === 'ERR_COMMIT_UNKNOWN') {
        record.status = 'commit-unknown';
        if (retryUnknown && resend) continue;
        return;
      }
      record.status = error instanceof AbortError || signal?.aborted ? 'aborted' : 'failed';
      if (resend && typeof code === 'string' && RETRYABLE.has(code)) continue;
      return;
    }
  };

  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      await one(index);
      finish(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return results;
}
