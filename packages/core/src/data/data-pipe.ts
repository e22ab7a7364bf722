import { PipeError } from '../errors/pipe-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireBytes, requireFunction, requireObjinfo, requireOptions, requireSignal, requireString, requireTimeout } from '../config/checks.js';
import type { SSECallback } from '../events/sse-routes.js';
import { dataHostOf, type PipeOwner } from './host.js';
import { readArgument } from '../config/validate.js';
import { mimeTypeOf } from './mime.js';
import { PipeChannel } from './pipe-channel.js';

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

/**
 * A promise-style data pipe, as the official SDK's `DataPipe`: `open()`, `write(bytes)` any number of
 * times, `close()` for the result. Writes are serialised (one in flight at a time, as the engine
 * requires); a zero-length payload still sends one write. `await using` disposal abandons an unclosed
 * pipe: it never sends `close`, so a truncated object is never committed. A pipe does not survive the
 * connection it was opened on: once that is lost (even if persist mode reconnected), `write()` and
 * `close()` reject with `ERR_CONNECTION_LOST` and send nothing.
 *
 * The rules of the pipe are its {@link PipeChannel}'s; this layer adds the official SDK's return values
 * (`close()` → `undefined` when never opened), the optional SSE subscription and disposal.
 */
export class DataPipe {
  private readonly channel: PipeChannel;
  /** `open()` finished, including the SSE subscription of an `onSSE` pipe. */
  private ready = false;
  /** Why `open()` failed after the engine opened the pipe (the SSE subscription); the pipe was closed again. */
  private refused: unknown;
  /** Ends the SSE subscription and routing of an `onSSE` pipe (once). */
  private releaseSse: (() => void) | undefined;
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
    readArgument('objinfo', () => requireObjinfo(objinfo, 'objinfo', true));
    if (mimeType !== undefined) requireString(mimeType, 'mimeType');
    readArgument('options', () => checkDataPipeOptions(options));
    this.options = readArgument('options', () => ({ ...options }));
    this.objinfo = readArgument('objinfo', () => ({ ...objinfo }));
    this.mimeType = mimeType ?? mimeTypeOf(this.objinfo.name);
    const o = this.options;
    this.channel = new PipeChannel(client, token, this.objinfo, this.mimeType, {
      provider: o.provider,
      writeTimeout: o.writeTimeout,
      closeTimeout: o.closeTimeout,
      onFailure: o.onSSE === undefined ? undefined : () => this.endSse(),
    });
  }

  /** The engine's pipe id once open. */
  get pipeId(): number | undefined {
    return this.channel.pipeId;
  }

  get isOpened(): boolean {
    return this.ready && this.channel.state === 'open';
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
    return this.openOwned(options?.signal);
  }

  /** @internal `open()` for arguments already checked (send, chat, sendFiles). */
  openOwned(signal: AbortSignal | undefined): Promise<this> {
    if (this.channel.state !== 'new') return Promise.reject(new PipeError('Pipe already opened', { code: 'ERR_PIPE_STATE' }));
    const opening = this.channel.open(signal);
    const onSSE = this.options.onSSE;
    if (onSSE === undefined) return opening.then(this.opened);
    return opening.then((id) => this.subscribeSse(id, onSSE, signal));
  }

  private readonly opened = (): this => {
    this.ready = true;
    return this;
  };

  private async subscribeSse(id: number, onSSE: SSECallback, signal: AbortSignal | undefined): Promise<this> {
    try {
      this.releaseSse = await dataHostOf(this.client).subscribePipeSse(this.token, id, onSSE, signal);
    } catch (cause) {
      const error = new PipeError(`Failed to subscribe to SSE events for pipe ${id}: ${(cause as Error)?.message ?? cause}`, {
        code: 'ERR_PIPE_SSE',
        cause,
        command: 'rrext_monitor',
      });
      this.refused = error;
      if (this.channel.state === 'open') await this.channel.close().catch(() => undefined);
      throw error;
    }
    // Disposed, or the connection lost, while subscribing: the pipe stays abandoned.
    if (this.channel.state !== 'open') {
      this.endSse();
      throw this.channel.failure;
    }
    this.ready = true;
    return this;
  }

  /** Writes one chunk; resolves when the engine acknowledged it. Calls queue behind each other. */
  write(data: Uint8Array | readonly Uint8Array[], options?: { signal?: AbortSignal }): Promise<void> {
    try {
      requireBytes(data);
      requireOptions(options);
      requireSignal(options?.signal, 'options.signal');
    } catch (error) {
      return Promise.reject(error);
    }
    const refusal = this.refusal();
    return refusal === undefined ? this.channel.write(data, options?.signal) : Promise.reject(refusal);
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
    const state = this.channel.state;
    if (this.refused === undefined && state !== 'failed' && (!this.ready || state === 'closing' || state === 'closed')) return undefined;
    return this.finish(options);
  }

  /** @internal close() for a pipe known to be open (send/chat/sendFiles): never `undefined`. */
  finish(options?: { signal?: AbortSignal }): Promise<PipelineResult> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    const closing = this.channel.close(options?.signal);
    if (this.options.onSSE === undefined) return closing;
    return closing.then(
      (result) => {
        this.endSse();
        return result;
      },
      (error: unknown) => {
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
    // A close already asked for cannot be undone; close() reports its outcome.
    const state = this.channel.state;
    if (state === 'closed' || state === 'closing') return;
    this.channel.abandon(new PipeError('Pipe was abandoned; the object was not committed', { code: 'ERR_PIPE_ABANDONED' }));
  }

  private endSse(): void {
    const release = this.releaseSse;
    this.releaseSse = undefined;
    release?.();
  }

  /** Why a write or close is refused before the channel sees it: a failed SSE subscription, or `open()` not finished. */
  private refusal(): unknown {
    if (this.refused !== undefined) return this.refused;
    if (!this.ready && this.channel.state !== 'failed') return new PipeError('Pipe not opened', { code: 'ERR_PIPE_STATE' });
    return undefined;
  }
}
