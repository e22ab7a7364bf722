import { AbortError, type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import {
  checkClient,
  checkFunction,
  checkInteger,
  checkObjinfo,
  checkString,
  checkToken,
  checkTokenFirst,
  checkOptionsObject,
  MAX_CONCURRENCY,
  MAX_FILE_CHUNK,
  shown,
} from './option-checks.js';
import { checkPipeOptions, type PipeProgress } from './options.js';
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
  /** Pipes open at once, 1–256. Default 5. The engine also blocks `open` beyond the task's `threads`. */
  concurrency?: number;
  onProgress?: (progress: BatchProgress) => void;
}

type Entry = { path: string; objinfo?: Record<string, unknown>; mimeType?: string };

/** One file entry in its object form, checked (`ERR_INVALID_SOURCE` for the path, `ERR_INVALID_OPTION` for the rest). */
function normalise(input: FileEntry, i: number): Entry {
  let entry: Partial<Entry>;
  if (typeof input === 'string') entry = { path: input };
  else if (Array.isArray(input)) {
    const [path, objinfo, mimeType] = input as unknown[];
    entry = { path: path as string };
    if (objinfo !== undefined) entry.objinfo = objinfo as Record<string, unknown>;
    if (mimeType !== undefined) entry.mimeType = mimeType as string;
  } else if (typeof input === 'object' && input !== null) entry = input;
  else throw new ValidationError(`files[${i}] must be a path, { path, objinfo?, mimeType? } or [path, objinfo?, mimeType?], got ${shown(input)}`, { code: 'ERR_INVALID_SOURCE' });
  if (typeof entry.path !== 'string' || entry.path.length === 0) {
    throw new ValidationError(`files[${i}] has no path`, { code: 'ERR_INVALID_SOURCE' });
  }
  checkObjinfo(entry.objinfo, `files[${i}].objinfo`);
  checkString(entry.mimeType, `files[${i}].mimeType`);
  return entry as Entry;
}

/**
 * Uploads files through a bounded pool of pipes. Resolves to one result per file, in input order;
 * a file's failure is recorded in its result and does not stop the others. Aborting the signal
 * abandons every open pipe (none is committed) and marks unstarted files as aborted. A token that is not a
 * string (a call written for the old order, `uploadFiles(client, files, token)`) is `ERR_INVALID_ARGUMENT`.
 */
export async function uploadFiles(client: RocketRideClient, token: string, files: readonly FileEntry[], options: UploadFilesOptions = {}): Promise<FileResult[]> {
  checkClient(client);
  checkTokenFirst(token, 'uploadFiles()', 'uploadFiles(client, token, files, options?)');
  checkToken(token);
  if (!Array.isArray(files)) throw new ValidationError(`files must be an array, got ${shown(files)}`, { code: 'ERR_INVALID_SOURCE' });
  // Every option is checked here, before the first file is opened (onProgress is the batch's own).
  checkOptionsObject(options);
  const { concurrency: _c, onProgress, ...common } = options;
  const { fileChunkSize: _f, ...pipeOptions } = common;
  checkPipeOptions(pipeOptions);
  checkFunction(onProgress, 'onProgress');
  checkInteger(options.concurrency, 'concurrency', 1, MAX_CONCURRENCY);
  checkInteger(options.fileChunkSize, 'fileChunkSize', 1, MAX_FILE_CHUNK);
  const concurrency = options.concurrency ?? 5;
  const entries = files.map(normalise);
  const results: FileResult[] = entries.map((e) => ({ path: e.path, ok: false, bytesSent: 0, bytesAcknowledged: 0 }));
  const totals = { bytesSent: 0, bytesAcknowledged: 0, filesDone: 0 };
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
        record.result = await upload(client, token, { path: entry.path }, fileOptions);
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
