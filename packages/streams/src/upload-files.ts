import { AbortError, type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import type { PipeProgress } from './options.js';
import { upload, type UploadOptions } from './upload.js';

/** A file for {@link uploadFiles}: a path, or a path with its object information and MIME type. */
export type FileEntry =
  | string
  | { path: string; objinfo?: Record<string, unknown>; mimeType?: string }
  | [path: string, objinfo?: Record<string, unknown>, mimeType?: string];

export interface FileResult {
  path: string;
  ok: boolean;
  result?: PipelineResult;
  error?: Error;
  bytesSent: number;
  bytesAcknowledged: number;
}

export interface BatchProgress {
  /** Index of the file in the input list. */
  index: number;
  path: string;
  file: PipeProgress;
  /** Sums over every file so far. */
  bytesSent: number;
  bytesAcknowledged: number;
  filesDone: number;
  filesTotal: number;
}

export interface UploadFilesOptions extends Omit<UploadOptions, 'onProgress' | 'objinfo' | 'mimeType' | 'name' | 'size'> {
  /** Pipes open at once. Default 5. The engine also blocks `open` beyond the task's `threads`. */
  concurrency?: number;
  onProgress?: (progress: BatchProgress) => void;
}

function normalise(entry: FileEntry): { path: string; objinfo?: Record<string, unknown>; mimeType?: string } {
  if (typeof entry === 'string') return { path: entry };
  if (Array.isArray(entry)) {
    const [path, objinfo, mimeType] = entry;
    return { path, ...(objinfo ? { objinfo } : {}), ...(mimeType ? { mimeType } : {}) };
  }
  return entry;
}

/**
 * Uploads files through a bounded pool of pipes. Resolves to one result per file, in input order;
 * a file's failure is recorded in its result and does not stop the others. Aborting the signal
 * abandons every open pipe (none is committed) and marks unstarted files as aborted.
 */
export async function uploadFiles(client: RocketRideClient, files: readonly FileEntry[], token: string, options: UploadFilesOptions = {}): Promise<FileResult[]> {
  const concurrency = options.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(`concurrency must be a positive integer, got ${concurrency}`, { code: 'ERR_INVALID_OPTION' });
  }
  const entries = files.map((f, i) => {
    const e = normalise(f);
    if (typeof e.path !== 'string' || e.path.length === 0) {
      throw new ValidationError(`files[${i}] has no path`, { code: 'ERR_INVALID_SOURCE' });
    }
    return e;
  });
  const results: FileResult[] = entries.map((e) => ({ path: e.path, ok: false, bytesSent: 0, bytesAcknowledged: 0 }));
  const totals = { bytesSent: 0, bytesAcknowledged: 0, filesDone: 0 };
  const { concurrency: _c, onProgress, ...common } = options;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      const record = results[index]!;
      if (options.signal?.aborted) {
        record.error = new AbortError('Upload aborted before this file started', { cause: options.signal.reason });
        continue;
      }
      try {
        const fileOptions: UploadOptions = {
          ...common,
          onProgress: (p) => {
            totals.bytesSent += p.bytesSent - record.bytesSent;
            totals.bytesAcknowledged += p.bytesAcknowledged - record.bytesAcknowledged;
            record.bytesSent = p.bytesSent;
            record.bytesAcknowledged = p.bytesAcknowledged;
            onProgress?.({ index, path: entry.path, file: p, ...totals, filesTotal: entries.length });
          },
        };
        if (entry.objinfo) fileOptions.objinfo = entry.objinfo;
        if (entry.mimeType) fileOptions.mimeType = entry.mimeType;
        record.result = await upload(client, { path: entry.path }, token, fileOptions);
        record.ok = true;
      } catch (err) {
        record.error = err instanceof Error ? err : new Error(String(err));
      } finally {
        totals.filesDone++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return results;
}
