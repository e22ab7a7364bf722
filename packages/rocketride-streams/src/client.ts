import { type ClientOptions, type PipelineResult, RocketRideClient } from '@rocketride-streams/core';
import {
  createWritable,
  type FileEntry,
  type FileResult,
  type PipeOptions,
  PipeWritable,
  type PipeWritableStream,
  upload,
  uploadFiles,
  type UploadFilesOptions,
  type UploadOptions,
  type UploadSource,
} from '@rocketride-streams/streams';
import type { Engine } from '@rocketride-streams/testing';

/**
 * The connected client most users hold: every command of the core client, plus stream methods so that
 * `source.pipe(rocketride.pipe(token))` reads as written.
 */
export class RocketRide extends RocketRideClient {
  #engine: Engine | undefined;

  /** The embedded simulator this client started, if any (see `connect({ embedded: true })`). */
  get engine(): Engine | undefined {
    return this.#engine;
  }

  /** @internal attaches the embedded engine, closed with the client. */
  adoptEngine(engine: Engine): void {
    this.#engine = engine;
  }

  /** A Node `Writable` into a new pipe on the task; opens the pipe at once and commits it on `end()`. */
  pipe(token: string, options?: PipeOptions): PipeWritable {
    return new PipeWritable(this, token, options);
  }

  /** A WHATWG `WritableStream` into a new pipe on the task, for `readable.pipeTo(...)`. */
  writable(token: string, options?: PipeOptions): PipeWritableStream {
    return createWritable(this, token, options);
  }

  /** Streams a source (Readable, web stream, iterable, Buffer, string, or `{ path }`) and resolves to the result. */
  upload(source: UploadSource, token: string, options?: UploadOptions): Promise<PipelineResult> {
    return upload(this, source, token, options);
  }

  /** Uploads files through a bounded pool of pipes; one result per file, in input order. */
  uploadFiles(files: readonly FileEntry[], token: string, options?: UploadFilesOptions): Promise<FileResult[]> {
    return uploadFiles(this, files, token, options);
  }

  /** Disconnects, and stops the embedded simulator when this client started one. */
  override async disconnect(): Promise<void> {
    try {
      await super.disconnect();
    } finally {
      const engine = this.#engine;
      this.#engine = undefined;
      await engine?.close();
    }
  }
}

export type { ClientOptions };
