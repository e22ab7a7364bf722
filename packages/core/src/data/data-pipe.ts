import { PipeError } from '../errors/pipe-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireBytes, requireFunction, requireObjinfo, requireOptions, requireSignal, requireString, requireTimeout } from '../config/checks.js';
import type { SSECallback } from '../events/sse-routes.js';
import { type DataHost, dataHostOf, type PipeOwner } from './host.js';
import { mimeTypeOf } from './mime.js';
import { connectionLost, sameConnection } from './pipe-channel.js';
import { closePipeRequest, openRequest, pipeClose, writeRequest } from './pipe-protocol.js';

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
  /** The client's data host, looked up once when the pipe opens. */
  private host: DataHost | undefined;
  /** Settles once every write queued so far has settled (never rejects). */
  private tail: Promise<void> = Promise.resolve();
  /** Writes queued and not settled yet: with none, a write or close is sent at once instead of behind `tail`. */
  private queued = 0;
  private failure: unknown;
  /** The client generation (connection) the pipe was opened on; a pipe does not outlive it. */
  private generation = -1;
  /** Ends the SSE subscription and routing of an `onSSE` pipe (once). */
  private releaseSse: (() => void) | undefined;
  /** Aborted by disposal: cancels an `open` still waiting for its answer. Only `open()` needs one (see `openOwned`). */
  private disposal: AbortController | undefined;
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
  open(options?: { signal?: AbortSignal }): Promise<this> {
    try {
      requireOptions(options);
      requireSignal(options?.signal, 'options.signal');
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.state !== 'new') return Promise.reject(new PipeError('Pipe already opened', { code: 'ERR_PIPE_STATE' }));
    // Disposal while the open is pending cancels it: the engine may hold `open` for a free slot.
    this.disposal = new AbortController();
    const given = options?.signal;
    return this.start(given === undefined ? this.disposal.signal : AbortSignal.any([given, this.disposal.signal]));
  }

  /**
   * @internal `open()` for a pipe the library itself owns and never disposes (send, chat, sendFiles):
   * no disposal controller to create and listen to on every call, only the caller's signal.
   */
  openOwned(signal: AbortSignal | undefined): Promise<this> {
    if (this.state !== 'new') return Promise.reject(new PipeError('Pipe already opened', { code: 'ERR_PIPE_STATE' }));
    return this.start(signal);
  }

  private start(signal: AbortSignal | undefined): Promise<this> {
    this.state = 'opening';
    let opening: Promise<number>;
    try {
      this.generation = this.client.generation;
      const host = dataHostOf(this.client);
      this.host = host;
      opening = openRequest(host, this.token, this.objinfo, this.mimeType, this.options.provider, signal);
    } catch (error) {
      opening = Promise.reject(error);
    }
    return opening.then(
      (id) => this.opened(id, signal),
      (error: unknown) => {
        if ((this.state as State) !== 'failed') {
          this.state = 'failed';
          this.failure = error;
        }
        throw this.failure;
      },
    );
  }

  private opened(id: number, signal: AbortSignal | undefined): this | Promise<this> {
    this.id = id;
    // Disposed while the answer was on its way: the pipe stays abandoned (never written, never closed).
    if ((this.state as State) === 'failed') throw this.failure;
    if (this.options.onSSE !== undefined) return this.subscribeSse(this.options.onSSE, signal);
    this.state = 'open';
    return this;
  }

  private async subscribeSse(onSSE: SSECallback, signal: AbortSignal | undefined): Promise<this> {
    const id = this.id!;
    try {
      this.releaseSse = await this.host!.subscribePipeSse(this.token, id, onSSE, signal);
    } catch (cause) {
      const error = new PipeError(`Failed to subscribe to SSE events for pipe ${id}: ${(cause as Error)?.message ?? cause}`, {
        code: 'ERR_PIPE_SSE',
        cause,
        command: 'rrext_monitor',
      });
      this.state = 'failed';
      this.failure = error;
      if (this.client.isConnected() && this.client.generation === this.generation) {
        await pipeClose(this.client, this.token, id).catch(() => undefined);
      }
      throw error;
    }
    if ((this.state as State) === 'failed') {
      this.endSse();
      throw this.failure;
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
    const signal = options?.signal;
    const run = this.queued === 0 ? this.sendWrite(data, signal) : this.tail.then(() => this.sendWrite(data, signal));
    this.queued++;
    this.tail = run.then(this.writeSettled, this.writeFailed);
    return run;
  }

  private sendWrite(data: Uint8Array | readonly Uint8Array[], signal: AbortSignal | undefined): Promise<void> {
    if (this.state === 'failed') return Promise.reject(this.failure);
    try {
      this.requireConnection();
      return writeRequest(this.host!, this.token, this.id!, data, signal, this.options.writeTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private readonly writeSettled = (): void => {
    this.queued--;
  };

  private readonly writeFailed = (error: unknown): void => {
    this.queued--;
    if (this.state !== 'failed') {
      this.state = 'failed';
      this.failure = error;
    }
    this.endSse();
  };

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
  finish(options?: { signal?: AbortSignal }): Promise<PipelineResult> {
    try {
      this.requireWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    this.state = 'closing';
    const signal = options?.signal;
    return this.queued === 0 ? this.sendClose(signal) : this.tail.then(() => this.sendClose(signal));
  }

  private sendClose(signal: AbortSignal | undefined): Promise<PipelineResult> {
    let closing: Promise<PipelineResult>;
    try {
      if (this.state === 'failed') throw this.failure;
      this.requireConnection();
      closing = closePipeRequest(this.host!, this.token, this.id!, signal, this.options.closeTimeout);
    } catch (error) {
      this.endSse();
      return Promise.reject(error);
    }
    return closing.then(
      (result) => {
        this.state = 'closed';
        this.endSse();
        return result;
      },
      (error: unknown) => {
        if (this.state !== 'failed') {
          this.state = 'failed';
          this.failure = error;
        }
        this.endSse();
        throw error;
      },
    );
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
    this.disposal?.abort(this.failure);
    await this.tail;
  }

  private endSse(): void {
    const release = this.releaseSse;
    this.releaseSse = undefined;
    release?.();
  }

  /** A pipe does not outlive the connection it was opened on (see `connectionLost()`). */
  private requireConnection(): void {
    if (sameConnection(this.client, this.generation)) return;
    const error = connectionLost();
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
