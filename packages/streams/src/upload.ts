import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { checkClient, checkInteger, checkToken, checkTokenFirst, MAX_FILE_CHUNK } from './option-checks.js';
import { type PipeOptions, resolvePipeOptions } from './options.js';
import { PipeWritable } from './pipe-writable.js';

/** A file to read, named by its path. A plain string is content, never a path. */
export interface FileSource {
  path: string;
}

export type UploadSource =
  | Readable
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | Uint8Array
  | string
  | FileSource
  | URL;

export interface UploadOptions extends PipeOptions {
  /** Read size for files, 1 byte to 128 MiB. Default 1 MiB. */
  fileChunkSize?: number;
}

const DEFAULT_FILE_CHUNK = 1024 * 1024;

/** Resolves a file source's path, or undefined when the source is not a file. */
export function filePathOf(source: UploadSource): string | undefined {
  if (source instanceof URL) {
    if (source.protocol !== 'file:') throw new ValidationError(`Only file: URLs can be uploaded, got ${source.protocol}`, { code: 'ERR_INVALID_SOURCE' });
    return fileURLToPath(source);
  }
  if (typeof source === 'object' && source !== null && 'path' in source && typeof (source as FileSource).path === 'string' && !(source instanceof Readable)) {
    return (source as FileSource).path;
  }
  return undefined;
}

function toReadable(source: UploadSource, path: string | undefined, chunk: number): Readable {
  if (path !== undefined) return createReadStream(path, { highWaterMark: chunk });
  if (source instanceof Readable) return source;
  if (typeof source === 'string' || source instanceof Uint8Array) return Readable.from([source], { objectMode: false });
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) return Readable.fromWeb(source as import('node:stream/web').ReadableStream);
  if (typeof source === 'object' && source !== null && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    return Readable.from(source as AsyncIterable<unknown>, { objectMode: false });
  }
  throw new ValidationError('upload() takes a Readable, a web ReadableStream, an (async) iterable of bytes or strings, a Buffer, a string or { path }', {
    code: 'ERR_INVALID_SOURCE',
  });
}

/** A source made ready to stream: its Readable, and the name and size learnt from it. */
export interface OpenedSource {
  readable: Readable;
  /** The file's base name, for a file source. */
  name?: string;
  /** The byte length, for a file, a Buffer or a string. */
  size?: number;
}

/**
 * Turns any {@link UploadSource} into a Readable, checking a file source first (it must exist and be a
 * regular file) and reporting its name and size. Shared by `upload()` and `httpUpload()`.
 * @throws ValidationError `ERR_INVALID_SOURCE` for an unreadable file or an unsupported source.
 */
export async function openSource(source: UploadSource, fileChunkSize: number = DEFAULT_FILE_CHUNK): Promise<OpenedSource> {
  checkInteger(fileChunkSize, 'fileChunkSize', 1, MAX_FILE_CHUNK);
  const path = filePathOf(source);
  const opened: Omit<OpenedSource, 'readable'> = {};
  if (path !== undefined) {
    const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
      throw new ValidationError(`Cannot read ${path}: ${cause.code ?? cause.message}`, { code: 'ERR_INVALID_SOURCE', cause });
    });
    if (!info.isFile()) throw new ValidationError(`${path} is not a file`, { code: 'ERR_INVALID_SOURCE' });
    opened.name = basename(path);
    opened.size = info.size;
  } else if (typeof source === 'string' || source instanceof Uint8Array) {
    opened.size = typeof source === 'string' ? Buffer.byteLength(source) : source.byteLength;
  }
  return { ...opened, readable: toReadable(source, path, fileChunkSize) };
}

/**
 * Streams one source into a new pipe on the task and resolves to the engine's result. Files get
 * their name, size and MIME type from the path unless given. Rejects, without committing the
 * object, when the source fails, the engine fails the pipe, or `options.signal` aborts before
 * `close` was sent; an abort after that waits for the answer (up to 30 s) and reports the real
 * outcome, and a close without an answer rejects `ERR_COMMIT_UNKNOWN`. Bad arguments reject with a
 * coded ValidationError before any file is opened; a token that is not a string (a call written for the
 * old order, `upload(client, source, token)`) is `ERR_INVALID_ARGUMENT`.
 */
export async function upload(client: RocketRideClient, token: string, source: UploadSource, options: UploadOptions = {}): Promise<PipelineResult> {
  // Unusable arguments throw here, before a file is opened or anything is sent.
  checkClient(client);
  checkTokenFirst(token, 'upload()', 'upload(client, token, source, options?)');
  checkToken(token);
  resolvePipeOptions(options);
  checkInteger(options.fileChunkSize, 'fileChunkSize', 1, MAX_FILE_CHUNK);
  const { readable, name, size } = await openSource(source, options.fileChunkSize ?? DEFAULT_FILE_CHUNK);
  const opts: PipeOptions = { ...options };
  if (name !== undefined) opts.name ??= (options.objinfo?.name as string | undefined) ?? name;
  if (size !== undefined) opts.size ??= size;
  let sink: PipeWritable;
  try {
    sink = new PipeWritable(client, token, opts);
  } catch (error) {
    readable.destroy(); // a file source already holds a descriptor
    throw error;
  }
  // The sink watches options.signal itself, so an abort surfaces as our typed AbortError.
  await pipeline(readable, sink);
  return sink.result;
}
