import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult, UploadEventBody, UploadResult } from '../schema/pipeline-result.js';
import { abortError } from '../transport/pending.js';
import { requireString } from './checks.js';
import type { RocketRideClient } from './client.js';
import { mimeTypeOf } from './mime.js';
import { DataPipe } from './data-pipe.js';

/** A file for `sendFiles`: a path, `[path, objinfo]` or `[path, objinfo, mimetype]`. */
export type SendFilesInput =
  | string
  | readonly [path: string, objinfo: Record<string, unknown> | undefined]
  | readonly [path: string, objinfo: Record<string, unknown> | undefined, mimetype: string | undefined];

/** Options of `sendFiles`. */
export interface SendFilesOptions {
  /** Files uploaded at the same time. Default 5. */
  concurrency?: number;
  /** Read chunk size in bytes, one write each (64 KiB – 16 MiB). Default 1 MiB. */
  chunkSize?: number;
  /** Aborts the batch: in-flight pipes are abandoned (never closed) and the call rejects. */
  signal?: AbortSignal;
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
    if (objinfo !== undefined && (typeof objinfo !== 'object' || objinfo === null)) {
      throw new ValidationError(`files[${index}]: objinfo must be an object`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    if (mimetype !== undefined && typeof mimetype !== 'string') {
      throw new ValidationError(`files[${index}]: mimetype must be a string`, { code: 'ERR_INVALID_ARGUMENT' });
    }
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
  client: RocketRideClient,
  files: readonly SendFilesInput[],
  token: string,
  options: SendFilesOptions = {},
): Promise<UploadResult[]> {
  if (!Array.isArray(files) || files.length === 0) {
    throw new ValidationError('files must be a non-empty array', { code: 'ERR_INVALID_ARGUMENT' });
  }
  requireString(token, 'token');
  const concurrency = options.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError('concurrency must be a positive integer', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 64 * 1024 || chunkSize > 16 * 1024 * 1024) {
    throw new ValidationError('chunkSize must be an integer between 64 KiB and 16 MiB', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const jobs = files.map(toJob);
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal, 'sendFiles');

  const results = new Array<UploadResult>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (signal?.aborted) throw abortError(signal, 'sendFiles');
      const index = next++;
      results[index] = await uploadOne(client, jobs[index]!, token, chunkSize, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}

async function uploadOne(
  client: RocketRideClient,
  job: FileJob,
  token: string,
  chunkSize: number,
  signal: AbortSignal | undefined,
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
    client.dispatchEvent({ type: 'event', seq: 0, event: 'apaevt_status_upload', body });
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
    const pipe = await new DataPipe(client, token, objinfo, mimeType).open({ signal });
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
    if (signal?.aborted) throw abortError(signal, 'sendFiles');
    const message = error instanceof Error ? error.message : String(error);
    const body = emit('error', { error: message });
    return { ...body, action: 'error', error: message };
  }
}
