import { inspect } from 'node:util';
import { describeValue, type PipelineResult, readArgument, type UseOptions, ValidationError } from '@rocketride-streams/core';
import {
  createWritable,
  type FileEntry,
  type PipeOptions,
  PipeWritable,
  type PipeWritableStream,
  resolvePipeOptions,
  upload,
  type UploadOptions,
  type UploadSource,
} from '@rocketride-streams/streams';
import { checkWait, DEFAULT_NO_ENGINE_WAIT_MS } from './checks.js';
import type { Replica } from './engine.js';
import { noEngineError, type Router } from './router.js';
import { type PoolFileResult, type PoolUploadFilesOptions, uploadFilesOver } from './upload-files.js';

/** One replica of a PoolTask as `poolTask.replicas` reports it (without its token). */
export interface ReplicaInfo {
  engine: string;
  /** In rotation: the engine is connected and the task confirmed on that connection. */
  ready: boolean;
  openPipes: number;
  /** Pipes opened on this replica so far, through the pool. */
  pipesOpened: number;
}

/**
 * A pipeline running on several engines of a pool: one token per engine, each used only with the
 * engine that issued it. Its stream methods route each pipe to a ready replica (see `strategy` of
 * `connectPool`); `uploadFiles` also re-sends the files an engine lost.
 */
export class PoolTask {
  readonly #replicas: Replica[];
  readonly #router: Router;
  readonly #use: Omit<UseOptions, 'signal'>;
  #terminated = false;
  readonly #closedError: () => Error | undefined;

  /** @internal built by `pool.use()`. */
  constructor(replicas: Replica[], router: Router, use: Omit<UseOptions, 'signal'>, closed: () => Error | undefined) {
    this.#replicas = replicas;
    this.#router = router;
    this.#use = use;
    this.#closedError = closed;
  }

  /** @internal the replicas, for the pool. */
  get internalReplicas(): readonly Replica[] {
    return this.#replicas;
  }

  /** @internal the router, for the pool. */
  get router(): Router {
    return this.#router;
  }

  /** @internal the `use()` options the task is (re)started with. */
  get useOptions(): Omit<UseOptions, 'signal'> {
    return this.#use;
  }

  /** @internal marks the task terminated: it takes no pipe any more. */
  markTerminated(reason: Error): void {
    this.#terminated = true;
    this.#router.close(reason);
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  /** The engines the task runs on, in the pool's order. */
  get engines(): string[] {
    return this.#replicas.map((r) => r.engine.name);
  }

  /** Each replica's state and load (no token). */
  get replicas(): ReplicaInfo[] {
    return this.#replicas.map((r) => ({ engine: r.engine.name, ready: r.ready, openPipes: r.openPipes, pipesOpened: r.pipesOpened }));
  }

  /** The token `engine` issued for this task (undefined before it started there). */
  tokenOf(engine: string): string | undefined {
    if (typeof engine !== 'string') throw new ValidationError(`poolTask.tokenOf(): engine must be an engine name (got ${describeValue(engine)})`, { code: 'ERR_INVALID_ARGUMENT' });
    return this.#replicas.find((r) => r.engine.name === engine)?.token;
  }

  #refusal(): Error | undefined {
    const closed = this.#closedError();
    if (closed) return closed;
    if (this.#terminated) return new ValidationError('The pool task was terminated; start it again with pool.use()', { code: 'ERR_TASK_TERMINATED' });
    return undefined;
  }

  /**
   * A Node `Writable` into a new pipe on the ready replica the strategy picks, exactly as
   * `rocketride.pipe(token)` on that engine (backpressure, `'finish'` = committed, `destroy()` never
   * commits); `sink.engine` names the engine. With no ready replica, the stream fails with
   * `ERR_NO_ENGINE` before anything is sent.
   * @throws ValidationError for bad options, before anything is sent.
   */
  pipe(options?: PipeOptions): PipeWritable & { readonly engine: string | undefined } {
    resolvePipeOptions(options ?? {});
    const refused = this.#refusal();
    const lease = refused ? undefined : this.#router.take();
    const replica = lease?.replica ?? this.#replicas[0]!;
    // The token is always the one the chosen engine issued; with no lease, the stream is failed before its open.
    const sink = new PipeWritable(replica.engine.client, replica.token ?? 'none', options) as PipeWritable & { engine: string | undefined };
    Object.defineProperty(sink, 'engine', { value: lease ? replica.engine.name : undefined, enumerable: false });
    if (lease === undefined) {
      sink.destroy(refused ?? noEngineError());
      return sink;
    }
    sink.once('close', () => lease.release());
    return sink;
  }

  /**
   * A WHATWG `WritableStream` into a new pipe on the ready replica the strategy picks, as
   * `rocketride.writable(token)` on that engine; `engine` names it.
   */
  writable(options?: PipeOptions): PipeWritableStream & { readonly engine: string | undefined } {
    resolvePipeOptions(options ?? {});
    const refused = this.#refusal();
    const lease = refused ? undefined : this.#router.take();
    if (lease === undefined) {
      // A web stream opens its pipe in start(), synchronously: with no engine, one that failed from the start.
      const error = refused ?? noEngineError();
      const failed = new WritableStream<Uint8Array | string>({ start: (controller) => controller.error(error) });
      const result = Promise.reject(error);
      result.catch(() => {});
      return Object.defineProperties(failed, { result: { value: result }, engine: { value: undefined } }) as PipeWritableStream & { engine: undefined };
    }
    const stream = createWritable(lease.replica.engine.client, lease.replica.token!, options) as PipeWritableStream & { engine: string | undefined };
    Object.defineProperty(stream, 'engine', { value: lease.replica.engine.name, enumerable: false });
    stream.result.then(lease.release, lease.release);
    return stream;
  }

  /**
   * Streams a source into a new pipe on a replica with a free slot (waiting for one, at most
   * `noEngineWaitMs` while no engine is ready) and resolves to the result with the engine that
   * committed it. Not retried: a stream cannot be read twice (use `uploadFiles` for files).
   */
  async upload(source: UploadSource, options: UploadOptions & { noEngineWaitMs?: number } = {}): Promise<PipelineResult & { engine: string }> {
    // Options that are not an object were taken for none (42, 'x'): refused; an object is copied once.
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ValidationError(`poolTask.upload() options must be an object (got ${describeValue(options)})`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    const { noEngineWaitMs, ...uploadOptions } = readArgument('poolTask.upload() options', () => ({ ...options }));
    resolvePipeOptions(uploadOptions);
    checkWait(noEngineWaitMs, 'poolTask.upload()');
    const refused = this.#refusal();
    if (refused) throw refused;
    const lease = await this.#router.acquire(uploadOptions.signal, noEngineWaitMs ?? DEFAULT_NO_ENGINE_WAIT_MS);
    try {
      const result = await upload(lease.replica.engine.client, lease.replica.token!, source, uploadOptions);
      return Object.assign(result, { engine: lease.replica.engine.name });
    } finally {
      lease.release();
    }
  }

  /**
   * Uploads files over the replicas, `concurrency` at a time (default 5 per replica), each on a
   * replica with a free slot. A file whose engine failed before its `close` was sent is re-sent from
   * its start on another ready replica (up to `retries` times); a file whose `close` was sent but not
   * answered is `commit-unknown` and re-sent only with `retryUnknown: true`. One result per file, in
   * input order, each naming the engine that committed it.
   */
  uploadFiles(files: readonly FileEntry[], options: PoolUploadFilesOptions = {}): Promise<PoolFileResult[]> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    return uploadFilesOver(this.#router, this.#replicas.length, files, options);
  }

  toJSON(): { engines: ReplicaInfo[]; terminated: boolean } {
    return { engines: this.replicas, terminated: this.#terminated };
  }

  [inspect.custom](_depth: number, options: object): string {
    return `PoolTask ${inspect(this.toJSON(), options)}`;
  }
}
