import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type busboy from 'busboy';
import { type PipeOptions, type PipeWritable, RocketRideError } from 'rocketride-streams';
import { ByteMeter } from './byte-meter.js';
import type { BusboyFactory } from './load-busboy.js';
import type { FileOutcome, UploadedFile } from './outcome.js';
import type { RequestLike } from './request-info.js';
import { fileTooLarge, MultipartError, multipartMalformed, noFiles, tooManyFiles } from './upload-errors.js';
import type { UploadClient } from './upload-client.js';

/** What one `multipart/form-data` upload needs. */
export interface FormUpload {
  client: UploadClient;
  token: string;
  req: RequestLike;
  /** Counts (and limits) the whole body between the request and the parser. */
  meter: ByteMeter;
  /** Aborted when the body stopped short (client gone, half-closed early). */
  signal: AbortSignal;
  pipeOptions: Omit<PipeOptions, 'signal'>;
  maxFiles: number;
  maxFileSize: number;
  busboy: BusboyFactory;
}

/**
 * Streams each file part of a `multipart/form-data` body into its own pipe, as the parts arrive and
 * with backpressure (a file's pipe that is not ready holds the parser, which holds the request), and
 * resolves to one {@link UploadedFile} per file, in form order. A file is a part with a file name;
 * text fields, and file inputs left empty (sent with `filename=""`), are read past.
 *
 * The first failure (a file over `maxFileSize`, one file too many, a malformed body, an engine
 * failure, the body stopping short) stops the upload: the pipe of every file still being received is
 * destroyed, never closed, the rest of the body is not parsed, and the upload rejects with a
 * {@link MultipartError} whose `files` says which files the engine had committed by then.
 */
export async function receiveForm(upload: FormUpload): Promise<UploadedFile[]> {
  let parser: busboy.Busboy;
  try {
    parser = upload.busboy({ headers: upload.req.headers, limits: { files: upload.maxFiles } });
  } catch (error) {
    throw multipartMalformed(error); // no boundary, say
  }
  return new Form(upload, parser).run();
}

class Form {
  readonly #upload: FormUpload;
  readonly #parser: busboy.Busboy;
  readonly #parts: FilePart[] = [];
  #failure: RocketRideError | undefined;
  readonly #onAbort = (): void => this.fail(this.#upload.signal.reason);

  constructor(upload: FormUpload, parser: busboy.Busboy) {
    this.#upload = upload;
    this.#parser = parser;
  }

  async run(): Promise<UploadedFile[]> {
    const { req, meter, signal, maxFiles } = this.#upload;
    this.#parser.on('file', (field, stream, info) => this.#onFile(field, stream, info));
    this.#parser.on('filesLimit', () => this.fail(tooManyFiles(maxFiles)));
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener('abort', this.#onAbort, { once: true });
    try {
      const parsed = pipeline(meter, this.#parser);
      req.pipe(meter);
      await parsed.catch((error: unknown) => this.fail(error));
      const outcomes = await Promise.all(this.#parts.map((part) => part.outcome));
      if (this.#failure) throw new MultipartError(this.#failure, outcomes);
      if (outcomes.length === 0) throw noFiles();
      return outcomes as UploadedFile[];
    } finally {
      signal.removeEventListener('abort', this.#onAbort);
    }
  }

  /** Stops the upload on its first failure; later ones are consequences and are ignored. */
  fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = asUploadError(error);
    for (const part of this.#parts) part.stop(this.#failure);
    this.#parser.destroy();
  }

  #onFile(field: string, stream: Readable, info: busboy.FileInfo): void {
    if (this.#failure || !info.filename) {
      stream.resume();
      return;
    }
    try {
      this.#parts.push(new FilePart(this, this.#upload, field, stream, info));
    } catch (error) {
      // rocketride.pipe() refused its options (a ValidationError): nothing was opened.
      stream.resume();
      this.fail(error);
    }
  }
}

/** One file part streaming into its own pipe. */
class FilePart {
  readonly #ctl = new AbortController();
  readonly #sink: PipeWritable;
  readonly #stream: Readable;
  readonly outcome: Promise<FileOutcome>;

  constructor(form: Form, upload: FormUpload, field: string, stream: Readable, info: busboy.FileInfo) {
    const name = info.filename as string; // #onFile takes only parts with a file name
    const { mimeType } = info;
    this.#stream = stream;
    const meter = new ByteMeter(Number.isFinite(upload.maxFileSize) ? { limit: upload.maxFileSize, tooLarge: (limit) => fileTooLarge(name, limit) } : {});
    this.#sink = upload.client.pipe(upload.token, { ...upload.pipeOptions, name, mimeType, signal: this.#ctl.signal });
    const sink = this.#sink;
    this.outcome = pipeline(stream, meter, sink)
      .then(() => sink.result)
      .then(
        (result): FileOutcome => ({ field, name, mimeType, size: meter.bytes, result }),
        (error: unknown): FileOutcome => {
          const failure = asUploadError(error);
          form.fail(failure);
          return { field, name, mimeType, size: meter.bytes, error: { code: failure.code, message: failure.message } };
        },
      );
  }

  /**
   * Destroys the pipe of a file still being received. A file the parser has seen the end of is left
   * to finish, as is one whose pipe has ended (its `close` may be on its way, and only the engine's
   * answer says whether it was committed): a failure later in the form does not undo them.
   */
  stop(reason: RocketRideError): void {
    if (!this.#sink.writableEnded && !this.#stream.readableEnded && !parsedToTheEnd(this.#stream)) this.#ctl.abort(reason);
  }
}

/**
 * Whether the parser has pushed the end of a file part (it saw the boundary after it), although the
 * pipe may not have taken its last bytes yet. Node keeps this in `_readableState.ended`, which has no
 * public getter (`readableEnded` only turns true once the consumer has read to the end).
 */
function parsedToTheEnd(stream: Readable): boolean {
  return (stream as Readable & { _readableState?: { ended?: unknown } })._readableState?.ended === true;
}

/** Library errors as they are; anything else came from busboy parsing the body. */
function asUploadError(error: unknown): RocketRideError {
  return error instanceof RocketRideError ? error : multipartMalformed(error);
}
