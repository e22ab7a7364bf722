import { ConnectionError } from '../errors/connection-error.js';
import { PipeError } from '../errors/pipe-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireBytes, requireFunction, requireObjinfo, requireOptions, requireSignal, requireString, requireTimeout } from '../config/checks.js';
import type { SSECallback } from '../events/sse-routes.js';
import { dataHostOf, type PipeOwner } from './host.js';
import { mimeTypeOf } from './mime.js';
import { pipeClose, pipeOpen, pipeWrite } from './pipe-protocol.js';

export type { SSECallback } from '../events/sse-routes.js';

/** Options of `openPipe()`. */
export interface DataPipeOptions {
  /** Ask for a specific source provider (e.g. `'chat'`); the engine refuses a mismatch. Default: none. */
  provider?: string;
  /**
   * Receive the pipe's SSE events (official SDK: the `onSSE` argument). `open()` then subscribes to
   * `SSE` for this pipe only (a ref-counted `addMonitor({ projectId, source, pipeId })`) and the
   * events are routed by task AND pipe id, so equal pipe ids on two tasks do not collide. The
   * subscription ends when the pipe is closed, fails or is disposed. Default: none.
   */
  onSSE?: SSECallback;
  /**
   * Longest wait in ms for each write's acknowledgement; `0` = none. Default 120000, or the client's
   * `requestTimeout` when that is set and shorter. When it passes, the
   * pipe fails with TimeoutError `ERR_WRITE_TIMEOUT` and is never closed (the object is not committed).
   * It does not apply to `open`, which the engine legitimately holds while the task's `threads` are taken.
   */
  writeTimeout?: number;
  /**
   * Longest wait in ms for the answer to `close`; `0` = none. Default 300000, or the client's
   * `requestTimeout` when that is set and shorter. Without an answer by then,
   * `close()` rejects with PipeError `ERR_COMMIT_UNKNOWN`: the object may or may not have been committed.
   */
  closeTimeout?: number;
}

/** Throws `ERR_INVALID_ARGUMENT` for unusable {@link DataPipeOptions}. */
export function checkDataPipeOptions(options: unknown, name = 'options'): void {
  requireOptions(options, name);
  if (options === undefined) return;
  const o = options as DataPipeOptions;
  if (o.provider !== undefined) requireString(o.provider, `${name}.provider`);
  requireFunction(o.onSSE, `${name}.onSSE`);
  requireTimeout(o.writeTimeout, `${name}.writeTimeout`);
  requireTimeout(o.closeTimeout, `${name}.closeTimeout`);
}

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed' | 'failed';

/**
 * A promise-style data pipe, as the official SDK's `DataPipe`: `open()`, `write(bytes)` any number of
 * times, `close()` for the result. Writes are serialised (one in flight at a time, as the engine
 * requires); a zero-length payload still sends one write. `await using` disposal abandons an unclosed
 * pipe: it never sends `close`, so a truncated object is never committed. A pipe does not survive the
 * connection it was opened on: once that is lost (even if persist mode reconnected), `write()` and
 * `close()` reject with `ERR_CONNECTION_LOST` and send nothing.
 */
export class DataPipe {
  private state: State = 'new';
  private id: number | undefined;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** The client generation (connection) the pipe was opened on; a pipe does not outlive it. */
  private generation = -1;
  /** Ends the SSE subscription and routing of an `onSSE` pipe (once). */
  private releaseSse: (() => void) | undefined;
  /** Aborted by disposal: cancels an `open` still waiting for its answer. */
  private readonly disposal = new AbortController();
  readonly mimeType: string;
  readonly objinfo: Record<string, unknown>;
  private readonly options: DataPipeOptions;

  constructor(
    private readonly client: PipeOwner,
    readonly token: string,
    objinfo?: Record<string, unknown>,
    mimeType?: string,
    options: DataPipeOptions = {},
  ) {
    requireString(token, 'token');
    requireObjinfo(objinfo, 'objinfo', true);
    if (mimeType !== undefined) requireString(mimeType, 'mimeType');
    checkDataPipeOptions(options);
    this.options = { ...options };
    this.objinfo = { ...objinfo };
    this.mimeType = mimeType ?? mimeTypeOf(this.objinfo.name);
  }

  /** The engine's pipe id once open. */
  get pipeId(): number | undefined {
    return this.id;
  }

  get isOpened(): boolean {
    return this.state === 'open';
  }

  /**
   * Opens the pipe on the engine; with `onSSE`, also subscribes to the pipe's SSE events. When that
   * subscription fails, the pipe is closed again (nothing was written) and `open()` rejects with
   * `ERR_PIPE_SSE`, as the official SDK does.
   * @throws PipeError `ERR_PIPE_STATE` when called twice, `ERR_PIPE_OPEN`, `ERR_PIPE_SSE`.
   */
  async open(options?: { signal?: AbortSignal }): Promise<this> {
    requireOptions(options);
    requireSignal(options?.signal, 'options.signal');
    if (this.state !== 'new') throw new PipeError('Pipe already opened', { code: 'ERR_PIPE_STATE' });
    this.state = 'opening';
    // Disposal while the open is pending cancels it: the engine may hold `open` for a free slot.
    const signal = options?.signal === undefined ? this.disposal.signal : AbortSignal.any([options.signal, this.disposal.signal]);
    try {
      const openOptions: { provider?: string; signal?: AbortSignal } = { signal };
      if (this.options.provider !== undefined) openOptions.provider = this.options.provider;
      this.generation = this.client.generation;
      this.id = await pipeOpen(this.client, this.token, this.objinfo, this.mimeType, openOptions);
    } catch (error) {
      if ((this.state as State) !== 'failed') {
        this.state = 'failed';
        this.failure = error;
      }
      throw this.failure;
    }
    // Disposed while the answer was on its way: the pipe stays abandoned (never written, never closed).
    if ((this.state as State) === 'failed') throw this.failure;
    if (this.options.onSSE !== undefined) {
      try {
        this.releaseSse = await dataHostOf(this.client).subscribePipeSse(this.token, this.id, this.options.onSSE, signal);
      } catch (cause) {
        const error = new PipeError(`Failed to subscribe to SSE events for pipe ${this.id}: ${(cause as Error)?.message ?? cause}`, {
          code: 'ERR_PIPE_SSE',
          cause,
          command: 'rrext_monitor',
        });
        this.state = 'failed';
        this.failure = error;
        if (this.client.isConnected() && this.client.generation === this.generation) {
          await pipeClose(this.client, this.token, this.id).catch(() => undefined);
        }
        throw error;
      }
      if ((this.state as State) === 'failed') {
        this.endSse();
        throw this.failure;
      }
    }
    this.state = 'open';
    return this;
  }

  /** Writes one chunk; resolves when the engine acknowledged it. Calls queue behind each other. */
  write(data: Uint8Array | readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<void> {
    try {
      requireBytes(data);
      requireOptions(options);
      requireSignal(options?.signal, 'options.signal');
      this.requireWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.tail.then(() => {
      if (this.state === 'failed') throw this.failure;
      this.requireConnection();
      return pipeWrite(this.client, this.token, this.id!, data, { signal: options?.signal, timeout: this.options.writeTimeout });
    });
    this.tail = run.catch((error: unknown) => {
      if (this.state !== 'failed') {
        this.state = 'failed';
        this.failure = error;
      }
      this.endSse();
    });
    return run;
  }

  /**
   * Waits for queued writes, closes the pipe (committing the object) and resolves with the result.
   * Like the official SDK, resolves with `undefined` (sending nothing) when the pipe was never opened
   * or is already closed or closing. A failed pipe rejects with its failure and is never closed.
   * Once `close` is sent it cannot be undone: an abort then only bounds the wait for its answer (30 s),
   * and a close that gets no answer (timeout, lost connection) rejects with PipeError
   * `ERR_COMMIT_UNKNOWN` (the object may or may not have been committed), never with "not committed".
   */
  async close(options?: { signal?: AbortSignal }): Promise<PipelineResult | undefined> {
    requireOptions(options);
    requireSignal(options?.signal, 'options.signal');
    if (this.state === 'new' || this.state === 'opening' || this.state === 'closing' || this.state === 'closed') {
      return undefined;
    }
    return this.finish(options);
  }

  /** @internal close() for a pipe known to be open (send/chat/sendFiles): never `undefined`. */
  async finish(options?: { signal?: AbortSignal }): Promise<PipelineResult> {
    this.requireWritable();
    this.state = 'closing';
    await this.tail;
    try {
      if ((this.state as State) === 'failed') throw this.failure;
      this.requireConnection();
      const result = await pipeClose(this.client, this.token, this.id!, { signal: options?.signal, timeout: this.options.closeTimeout });
      this.state = 'closed';
      return result;
    } catch (error) {
      if ((this.state as State) !== 'failed') {
        this.state = 'failed';
        this.failure = error;
      }
      throw error;
    } finally {
      this.endSse();
    }
  }

  /**
   * Abandons the pipe if it was not closed (no `close` is sent); the engine reaps it. An `open` still
   * waiting for its answer is cancelled, and a pipe opened meanwhile is never written or closed. A
   * `close` already sent is not undone: `close()` still reports its outcome.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.endSse();
    // A close already sent cannot be undone; close() reports its outcome.
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state !== 'failed') {
      this.state = 'failed';
      this.failure = new PipeError('Pipe was abandoned; the object was not committed', { code: 'ERR_PIPE_ABANDONED' });
    }
    this.disposal.abort(this.failure);
    await this.tail;
  }

  private endSse(): void {
    const release = this.releaseSse;
    this.releaseSse = undefined;
    release?.();
  }

  /**
   * Pipe ids belong to the task, not to the connection, and the engine reuses them: after the
   * connection the pipe was opened on is gone (lost, even if a persist-mode reconnect followed), a
   * write or close with its id could reach another upload's pipe. The pipe fails instead.
   */
  private requireConnection(): void {
    if (this.client.generation === this.generation && this.client.isConnected()) return;
    const error = new ConnectionError(
      'The connection this pipe was opened on was lost; the pipe went with it and the object was not committed',
      { code: 'ERR_CONNECTION_LOST', command: 'rrext_process' },
    );
    this.state = 'failed';
    this.failure = error;
    throw error;
  }

  private requireWritable(): void {
    if (this.state === 'open') return;
    if (this.state === 'failed') throw this.failure;
    if (this.state === 'new' || this.state === 'opening') throw new PipeError('Pipe not opened', { code: 'ERR_PIPE_STATE' });
    throw new PipeError('Pipe is closed', { code: 'ERR_PIPE_STATE' });
  }
}
