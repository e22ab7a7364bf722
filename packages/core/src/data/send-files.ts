import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult, UploadEventBody, UploadResult } from '../schema/pipeline-result.js';
import { AbortError } from '../errors/abort-error.js';
import { requireObjinfo, requireOptions, requireSignal, requireString } from '../config/checks.js';
import { dataHostOf, type PipeOwner } from './host.js';
import { mimeTypeOf } from './mime.js';
import { checkDataPipeOptions, DataPipe, type DataPipeOptions } from './data-pipe.js';

/** A file for `sendFiles`: a path, `[path, objinfo]` or `[path, objinfo, mimetype]`. */
export type SendFilesInput =
  | string
  | readonly [path: string, objinfo: Record<string, unknown> | undefined]
  | readonly [path: string, objinfo: Record<string, unknown> | undefined, mimetype: string | undefined];

/** Options of `sendFiles`. */
export interface SendFilesOptions extends Pick<DataPipeOptions, 'writeTimeout' | 'closeTimeout'> {
  /** Files uploaded at the same time (1–256). Default 5. */
  concurrency?: number;
  /** Read chunk size in bytes, one write each (64 KiB – 16 MiB). Default 1 MiB. */
  chunkSize?: number;
  /**
   * Aborts the batch and the call rejects: pipes still writing are abandoned (never closed); a file whose
   * close was already sent may still be committed (a close cannot be undone).
   */
  signal?: AbortSignal;
}

const MAX_CONCURRENCY = 256;

/** The rejection of an aborted batch; it cannot say which files were committed (a close cannot be undone). */
function batchAborted(signal: AbortSignal): AbortError {
  return new AbortError('sendFiles was aborted; a file whose close had already been sent may still have been committed', {
    cause: signal.reason,
  });
}

interface FileJob {
  path: string;
  objinfo: Record<string, unknown> | undefined;
  mimetype: string | undefined;
}

function toJob(input: SendFilesInput, index: number): FileJob {
  if (typeof input === 'string' && input !== '') return { path: input, objinfo: undefined, mimetype: undefined };
  if (Array.isArray(input) && typeof input[0] === 'string' && input[0] !== '') {
    const objinfo = input[1] as Record<string, unknown> | undefined;
    const mimetype = input[2] as string | undefined;
    requireObjinfo(objinfo, `files[${index}]: objinfo`, true);
    if (mimetype !== undefined) requireString(mimetype, `files[${index}]: mimetype`);
    return { path: input[0], objinfo, mimetype };
  }
  throw new ValidationError(`files[${index}] must be a path or a [path, objinfo?, mimetype?] tuple`, {
    code: 'ERR_INVALID_ARGUMENT',
  });
}

/**
 * Uploads files through one pipe each, at most `concurrency` at a time (PROTOCOL.md §8). Files are
 * streamed from disk, never read whole. Each file's progress is reported as client-generated
 * `apaevt_status_upload` events (`open`, `write`, `close`, then `complete` or `error`). A file's
 * failure becomes an `action: 'error'` result and does not affect the others. Results are in input order.
 */
export async function sendFiles(
  client: PipeOwner,
  files: readonly SendFilesInput[],
  token: string,
  options: SendFilesOptions = {},
): Promise<UploadResult[]> {
  if (!Array.isArray(files) || files.length === 0) {
    throw new ValidationError('files must be a non-empty array', { code: 'ERR_INVALID_ARGUMENT' });
  }
  requireString(token, 'token');
  requireOptions(options);
  const concurrency = options.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ValidationError(`concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 64 * 1024 || chunkSize > 16 * 1024 * 1024) {
    throw new ValidationError('chunkSize must be an integer between 64 KiB and 16 MiB', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const jobs = files.map(toJob);
  const { signal } = options;
  requireSignal(signal, 'options.signal');
  checkDataPipeOptions({ writeTimeout: options.writeTimeout, closeTimeout: options.closeTimeout });
  const pipeOptions: DataPipeOptions = {};
  if (options.writeTimeout !== undefined) pipeOptions.writeTimeout = options.writeTimeout;
  if (options.closeTimeout !== undefined) pipeOptions.closeTimeout = options.closeTimeout;
  if (signal?.aborted) throw batchAborted(signal);

  const results = new Array<UploadResult>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (signal?.aborted) throw batchAborted(signal);
      const index = next++;
      results[index] = await uploadOne(client, jobs[index]!, token, chunkSize, signal, pipeOptions);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

async function uploadOne(
  client: PipeOwner,
  job: FileJob,
  token: string,
  chunkSize: number,
  signal: AbortSignal | undefined,
  pipeOptions: DataPipeOptions,
): Promise<UploadResult> {
  const started = Date.now();
  let bytesSent = 0;
  let fileSize = 0;
  const emit = (action: UploadEventBody['action'], extra?: { result?: PipelineResult; error?: string }): UploadEventBody => {
    const body: UploadEventBody = {
      action,
      filepath: job.path,
      bytes_sent: bytesSent,
      file_size: fileSize,
      upload_time: (Date.now() - started) / 1000,
      ...extra,
    };
    dataHostOf(client).dispatchEvent({ type: 'event', seq: 0, event: 'apaevt_status_upload', body });
    return body;
  };
  try {
    const info = await stat(job.path);
    if (!info.isFile()) throw new ValidationError(`${job.path} is not a file`, { code: 'ERR_INVALID_ARGUMENT' });
    fileSize = info.size;
    const objinfo = { name: basename(job.path), ...job.objinfo, size: fileSize || 1 };
    const mimeType = job.mimetype ?? mimeTypeOf(objinfo.name);
    // A DataPipe: a file whose connection is lost between chunks (even if persist mode reconnected)
    // fails with ERR_CONNECTION_LOST rather than writing its old pipe id on the new connection.
    const pipe = await new DataPipe(client, token, objinfo, mimeType, pipeOptions).openOwned(signal);
    emit('open');
    const stream = createReadStream(job.path, { highWaterMark: chunkSize, signal });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      await pipe.write(chunk, { signal });
      bytesSent += chunk.byteLength;
      emit('write');
    }
    emit('close');
    const result = await pipe.finish({ signal });
    const body = emit('complete', { result });
    return { ...body, action: 'complete', result };
  } catch (error) {
    if (signal?.aborted) throw batchAborted(signal);
    const message = error instanceof Error ? error.message : String(error);
    const body = emit('error', { error: message });
    return { ...body, action: 'error', error: message };
  }
}
