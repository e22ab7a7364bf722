import type { DAPResponse } from '../codec/types.js';
import { ConnectionError } from '../errors/connection-error.js';
import { PipeError } from '../errors/pipe-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { type DataHost, dataHostOf, type PipeOwner } from './host.js';
import {
  acknowledged,
  COMMAND,
  closeRequest,
  DEFAULT_WRITE_TIMEOUT_MS,
  openedPipeId,
  pipelineResult,
  pipeTimeout,
  writeFailure,
} from './pipe-protocol.js';

/**
 * @internal The error of a pipe step after the connection the pipe was opened on is gone. Pipe ids
 * belong to the task, not to the connection, and the engine reuses them: after the connection the
 * pipe was opened on is lost (even if a persist-mode reconnect followed), a write or close with its
 * id could reach another upload's pipe, so the pipe fails instead and sends nothing more.
 */
export function connectionLost(): ConnectionError {
  return new ConnectionError(
    'The connection this pipe was opened on was lost; the pipe went with it and the object was not committed',
    { code: 'ERR_CONNECTION_LOST', command: COMMAND },
  );
}

/** @internal The connection guard: whether the client is still on the connection (`generation`) a pipe was opened on. */
export function sameConnection(client: PipeOwner, generation: number): boolean {
  return client.generation === generation && client.isConnected();
}

/** The states of a {@link PipeChannel}; `closed` and `failed` are final. */
export type PipeChannelState = 'new' | 'opening' | 'open' | 'closing' | 'closed' | 'failed';

/** Options of a {@link PipeChannel}. All of them are checked by the caller. */
export interface PipeChannelOptions {
  /** The source provider asked for with `open`. Default: none. */
  provider?: string | undefined;
  /** Longest wait in ms for each write's acknowledgement (0 = none); default as `pipeWrite`. */
  writeTimeout?: number | undefined;
  /** Longest wait in ms for the answer to `close` (0 = none); default as `pipeClose`. */
  closeTimeout?: number | undefined;
  /**
   * Called once, at once, when the channel fails other than by `abandon()`: `lost` when the connection
   * it was opened on ended (the data host's hook tells it, so this comes even while nothing is in
   * flight), else a step failed (and the promise of that step rejects with the same error).
   */
  onFailure?: ((error: Error, lost: boolean) => void) | undefined;
  /** The error a lost connection fails the channel with. Default {@link connectionLost}. */
  lostError?: (() => Error) | undefined;
}

/** A write waiting behind the one in flight. */
interface QueuedWrite {
  data: Uint8Array | readonly Uint8Array[];
  signal: AbortSignal | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A close asked for while writes were still queued or in flight. */
interface QueuedClose {
  signal: AbortSignal | undefined;
  resolve: (result: PipelineResult | Promise<PipelineResult>) => void;
  reject: (error: unknown) => void;
}

/**
 * @internal The one state machine of an engine data pipe (`new → opening → open → closing → closed |
 * failed`), on which `DataPipe`, `chat`, `sendFiles` and the streams adapters run:
 *
 * - exactly one write request in flight; further writes queue behind it and go out, in order, from
 *   the reaction to the previous acknowledgement (with nothing queued a write is one request, no more);
 * - `close` goes out once the queue is empty; once sent it cannot be undone: an abort (or `abandon()`)
 *   only bounds the wait for its answer by `CLOSE_ABORT_GRACE_MS`, and no answer is `ERR_COMMIT_UNKNOWN`;
 * - `abandon()` never sends `close`: it fails the channel and cancels what is in flight locally;
 * - the connection guard: a pipe never outlives the connection it was opened on. The data host's
 *   `onConnectionLost` hook fails it at once (`ERR_CONNECTION_LOST`), and every step checks the
 *   connection's generation before it is sent, so nothing more is sent after a loss.
 *
 * Once failed, every call rejects with the first failure.
 */
export class PipeChannel {
  #state: PipeChannelState = 'new';
  #failure: Error | undefined;
  #id: number | undefined;
  #host: DataHost | undefined;
  // Stryker disable next-line UnaryOperator: read only by the connection guard of a write or close, which only an opened channel reaches (open() sets it)
  #generation = -1;
  #writeTimeout = DEFAULT_WRITE_TIMEOUT_MS;
  /** Aborted when the channel fails or is abandoned: cancels its requests in flight locally. */
  #cancel: AbortController | undefined;
  #unsubscribe: (() => void) | undefined;
  /** A write request is in flight. */
  #busy = false;
  #queue: QueuedWrite[] = [];
  #pendingClose: QueuedClose | undefined;
  /** `close` went out: from then on the object may be committed. */
  #closeSent = false;
  /** The last caller's signal and its combination with `#cancel`'s (callers pass the same one to every step). */
  #given: AbortSignal | undefined;
  #combined: AbortSignal | undefined;

  constructor(
    private readonly client: PipeOwner,
    readonly token: string,
    readonly object: Record<string, unknown>,
    readonly mimeType: string,
    private readonly options: PipeChannelOptions = {},
  ) {}

  get state(): PipeChannelState {
    return this.#state;
  }

  /** The engine's pipe id once the `open` answer came. */
  get pipeId(): number | undefined {
    return this.#id;
  }

  /** The first failure, once failed. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Sends `open` and resolves with the pipe id. `signal` cancels the wait (the engine may hold `open`
   * while the task's pipe slots are taken).
   * @throws PipeError `ERR_PIPE_STATE` when not new; the failure of a channel abandoned before it opened.
   */
  open(signal?: AbortSignal): Promise<number> {
    if (this.#state === 'failed') return Promise.reject(this.#failure);
    if (this.#state !== 'new') return Promise.reject(new PipeError('Pipe already opened', { code: 'ERR_PIPE_STATE' }));
    this.#state = 'opening';
    let host: DataHost;
    try {
      host = dataHostOf(this.client);
    } catch (error) {
      this.#fail(error as Error);
      return Promise.reject(error);
    }
    this.#host = host;
    this.#generation = host.generation;
    this.#writeTimeout = pipeTimeout(host, this.options.writeTimeout, DEFAULT_WRITE_TIMEOUT_MS);
    this.#cancel = new AbortController();
    this.#unsubscribe = host.onConnectionLost(this.#onConnectionLost);
    const args: Record<string, unknown> = { subcommand: 'open', object: this.object, mimeType: this.mimeType, token: this.token };
    // Stryker disable next-line ConditionalExpression: an undefined provider is dropped by JSON.stringify, so the frame on the wire is the same
    if (this.options.provider !== undefined) args.provider = this.options.provider;
    return host.request<{ pipe_id?: number }>(COMMAND, args, { signal: this.#signalFor(signal) }).then(this.#opened, this.#openRejected);
  }

  readonly #opened = (response: DAPResponse<{ pipe_id?: number }>): number => {
    let id: number;
    try {
      id = openedPipeId(response);
    } catch (error) {
      return this.#stepFailed(error);
    }
    this.#id = id;
    // Abandoned (or the connection lost) while the answer was on its way: never written, never closed.
    if (this.#state !== 'opening') throw this.#failure;
    this.#state = 'open';
    return id;
  };

  readonly #openRejected = (error: unknown): never => this.#stepFailed(error);

  /**
   * Writes one chunk (an array goes as the fragments of one frame) and resolves on its acknowledgement.
   * With a write in flight, it queues behind it.
   * @throws PipeError `ERR_PIPE_STATE` when not open; the channel's failure once failed.
   */
  write(data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(this.#notWritable());
    if (!this.#busy) return this.#sendWrite(data, signal);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ data, signal, resolve, reject });
    });
  }

  #sendWrite(data: Uint8Array | readonly Uint8Array[], signal: AbortSignal | undefined): Promise<void> {
    const host = this.#host!;
    // Stryker disable next-line ConditionalExpression: without it the write goes to the client, which refuses it once the connection is gone (nothing sent), and the loss hook fails the channel in the same turn, so the write rejects with the same lost error (pipe-channel-states.test.ts checks both); the close guard below is not equivalent
    if (!sameConnection(host, this.#generation)) return Promise.reject(this.#lost());
    this.#busy = true;
    return host
      .request(
        COMMAND,
        { subcommand: 'write', pipe_id: this.#id, token: this.token, data: data as Uint8Array },
        { signal: this.#signalFor(signal), timeout: this.#writeTimeout },
      )
      .then(this.#acked, this.#writeRejected);
  }

  readonly #acked = (response: DAPResponse<Record<string, unknown>>): void => {
    this.#busy = false;
    if (!response.success) {
      let refused: unknown;
      try {
        acknowledged(response);
      } catch (error) {
        refused = error;
      }
      this.#stepFailed(refused);
    }
    this.#next();
  };

  readonly #writeRejected = (error: unknown): never => {
    // Stryker disable next-line BooleanLiteral: the channel fails on the next line, and every later call checks the state before #busy
    this.#busy = false;
    return this.#stepFailed(writeFailure(error, this.#id!, this.#writeTimeout));
  };

  /** After an acknowledgement: the next queued write, else a close that waited for the queue. */
  #next(): void {
    // Stryker disable next-line ConditionalExpression,StringLiteral: #fail empties the queue and the pending close, so a failed channel finds nothing to send here
    if (this.#state === 'failed') return;
    const write = this.#queue.shift();
    if (write !== undefined) {
      this.#sendWrite(write.data, write.signal).then(write.resolve, write.reject);
      return;
    }
    const close = this.#pendingClose;
    if (close !== undefined) {
      this.#pendingClose = undefined;
      close.resolve(this.#sendClose(close.signal));
    }
  }

  /**
   * Sends `close` once the writes queued so far are acknowledged and resolves with the PIPELINE_RESULT:
   * the object is committed. Aborted (or abandoned) before it is sent, nothing is sent.
   * @throws PipeError `ERR_PIPE_STATE` when not open; `ERR_PIPE_CLOSE`, `ERR_PIPE_RESULT`,
   *   `ERR_COMMIT_UNKNOWN` as `pipeClose`; the channel's failure once failed.
   */
  close(signal?: AbortSignal): Promise<PipelineResult> {
    if (this.#state !== 'open') return Promise.reject(this.#notWritable());
    this.#state = 'closing';
    if (!this.#busy) return this.#sendClose(signal);
    return new Promise<PipelineResult>((resolve, reject) => {
      this.#pendingClose = { signal, resolve, reject };
    });
  }

  #sendClose(given: AbortSignal | undefined): Promise<PipelineResult> {
    const host = this.#host!;
    if (!sameConnection(host, this.#generation)) return Promise.reject(this.#lost());
    const signal = this.#signalFor(given);
    if (!signal.aborted) this.#closeSent = true;
    return closeRequest(host, this.token, this.#id!, signal, this.options.closeTimeout).then(this.#closed).then(undefined, this.#closeFailed);
  }

  /** What a request is sent with: the channel's own signal, combined with the caller's when given (one combination per caller signal). */
  #signalFor(given: AbortSignal | undefined): AbortSignal {
    const own = this.#cancel!.signal;
    if (given === undefined) return own;
    // Stryker disable next-line ConditionalExpression: combining the same caller signal again gives an equal signal; this only saves the allocation
    if (given !== this.#given) {
      this.#given = given;
      this.#combined = AbortSignal.any([given, own]);
    }
    return this.#combined!;
  }

  readonly #closed = (response: DAPResponse<PipelineResult>): PipelineResult => {
    const result = pipelineResult(response);
    this.#state = 'closed';
    this.#release();
    return result;
  };

  readonly #closeFailed = (error: unknown): never => this.#stepFailed(error);

  /**
   * Gives the pipe up without committing it: never sends `close`, fails the channel with `reason` and
   * cancels what is in flight locally. Once `close` was sent it only bounds the wait for its answer
   * (`CLOSE_ABORT_GRACE_MS`); `close()` still reports the real outcome. Nothing once closed or failed.
   */
  abandon(reason: Error): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,StringLiteral: without it a closed channel (close sent) aborts a controller nothing listens to any more, and a failed one either does the same or calls #fail, which returns at once when failed
    if (this.#state === 'closed' || this.#state === 'failed') return;
    if (this.#closeSent) {
      this.#cancel!.abort(reason);
      return;
    }
    this.#fail(reason);
  }

  /** The data host's hook: the connection this channel was opened on ended. */
  readonly #onConnectionLost = (): void => {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    const error = (this.options.lostError ?? connectionLost)();
    if (this.#closeSent) {
      this.#cancel!.abort(error);
      return;
    }
    this.#fail(error);
    this.options.onFailure?.(error, true);
  };

  /** The guard found the connection gone at a step: the channel fails and the step sends nothing. */
  #lost(): Error {
    const error = (this.options.lostError ?? connectionLost)();
    this.#fail(error);
    this.options.onFailure?.(error, true);
    return this.#failure!;
  }

  /** A step failed: the channel fails with its error, unless it had already failed (then that failure). */
  #stepFailed(error: unknown): never {
    if (this.#state !== 'failed') {
      this.#fail(error as Error);
      this.options.onFailure?.(this.#failure!, false);
    }
    throw this.#failure;
  }

  #fail(error: Error): void {
    // Stryker disable next-line ConditionalExpression,StringLiteral: every caller of #fail (open, abandon, the loss hook, #lost from a step, #stepFailed) checks first that the channel has not failed
    if (this.#state === 'failed') return;
    this.#state = 'failed';
    this.#failure = error;
    this.#release();
    this.#cancel?.abort(error);
    const queue = this.#queue;
    // Stryker disable next-line ArrayDeclaration: the queue of a failed channel is never read again (#next stops at the failed state, write() at the state check)
    this.#queue = [];
    for (const write of queue) write.reject(error);
    const close = this.#pendingClose;
    this.#pendingClose = undefined;
    close?.reject(error);
  }

  #release(): void {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    unsubscribe?.();
  }

  #notWritable(): unknown {
    if (this.#state === 'failed') return this.#failure;
    if (this.#state === 'new' || this.#state === 'opening') return new PipeError('Pipe not opened', { code: 'ERR_PIPE_STATE' });
    return new PipeError('Pipe is closed', { code: 'ERR_PIPE_STATE' });
  }
}
