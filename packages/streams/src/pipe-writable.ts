import { Writable } from 'node:stream';
import { AbortError, PipeError, type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { checkClient, checkToken } from './option-checks.js';
import { type PipeOptions, type PipeProgress, resolvePipeOptions } from './options.js';
import { describe, PipeSession } from './session.js';
import { safeCall } from '@rocketride-streams/core/internal';

export interface PipeWritableEvents {
  result: [PipelineResult];
  progress: [PipeProgress];
}

/**
 * A Node `Writable` that feeds one engine data pipe.
 *
 * - The pipe is opened in `_construct`, so the stream can be created synchronously and piped at once.
 * - One write request is in flight at a time; chunks buffered meanwhile are coalesced (`_writev`) into
 *   writes of up to `maxWriteBytes`, and a chunk's callback runs only on the engine's acknowledgement.
 * - `highWaterMark` bounds what waits behind the write in flight: `write()` returns false once that
 *   much is buffered behind it, and `'drain'` comes as soon as the next batch takes it, not only when
 *   every byte has been acknowledged. So the source keeps reading while a write is on its way, and
 *   memory stays within `highWaterMark + maxWriteBytes`.
 * - `'finish'` is emitted only after the engine answered `close`; the result comes first as a
 *   `'result'` event and is kept in `sink.result`.
 * - `destroy()`, an error, an aborted signal or a lost socket never send `close`: the object is not
 *   committed and the engine reaps the abandoned pipe. Once `close` has been sent (during `_final`)
 *   nothing can undo it: an abort then waits (up to 30 s) for the answer and the stream finishes or
 *   fails with the real outcome, a lost socket fails it with `ERR_COMMIT_UNKNOWN`, and `sink.result`
 *   always reports the real outcome (`ERR_COMMIT_UNKNOWN` when there is no answer), even after `destroy()`.
 * - Bad arguments (client, token, options) throw a coded ValidationError from the constructor.
 */
export class PipeWritable extends Writable {
  readonly #session: PipeSession;
  readonly #mode: 'bytes' | 'text' | 'documents';
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    // Stryker disable next-line OptionalChaining: this listener is only ever added to a signal
    const reason = this.#signal?.reason;
    // After `close` was sent the abort cannot undo it: _final reports the real outcome instead.
    // Stryker disable next-line StringLiteral,ObjectLiteral,BooleanLiteral: abandoning a closing session only ends the wait for the close answer; this reason is never reported (the close's outcome is) and nobody is notified
    if (this.#session.closing) this.#session.abandon(new AbortError('The pipe was aborted while closing', { cause: reason }), false);
    else this.destroy(new AbortError('The pipe was aborted; the object was not committed', { cause: reason }));
  };
  /**
   * How much of the batch being sent does not count against highWaterMark, in the buffer's units: the
   * batch's objects in documents mode, else its bytes up to `maxWriteBytes` (a larger batch goes out as
   * several writes, and the rest of it counts as waiting). 0 when nothing is being sent.
   */
  #inFlight = 0;
  readonly #maxWriteBytes: number;
  /** write() returned false and no 'drain' has followed yet. */
  #needDrain = false;
  #resolve!: (r: PipelineResult) => void;
  #reject!: (e: Error) => void;
  /** The engine's result for the object, once the pipe closed. Rejects if the stream fails; never unhandled. */
  readonly result: Promise<PipelineResult>;

  constructor(client: RocketRideClient, token: string, options: PipeOptions = {}) {
    checkClient(client);
    checkToken(token);
    const opts = resolvePipeOptions(options);
    const documents = opts.mode === 'documents';
    super({ highWaterMark: opts.highWaterMark, objectMode: documents, decodeStrings: !documents });
    this.#mode = opts.mode;
    this.#maxWriteBytes = opts.maxWriteBytes;
    this.result = new Promise<PipelineResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.result.catch(() => {});
    this.#session = new PipeSession(client, token, opts, (p) => {
      // A throwing onProgress must not keep 'progress' listeners from their event (each is reported apart).
      safeCall(options.onProgress, p);
      this.emit('progress', p);
    });
    this.#session.onAbandon = (reason) => {
      if (!this.destroyed) this.destroy(reason);
    };
    this.#signal = options.signal;
    if (this.#signal?.aborted) {
      // Fail in _construct, before the pipe is opened.
      this.#session.abandon(new AbortError('The pipe was aborted before it opened', { cause: this.#signal.reason }), false);
    } else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The engine's pipe id once open. */
  get pipeId(): number | undefined {
    return this.#session.pipeId;
  }

  get progress(): Readonly<PipeProgress> {
    return this.#session.progress;
  }

  /** Rejects bad chunks with a typed error and destroys the stream before anything is sent for them. */
  override write(chunk: unknown, encoding?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    const bad = this.#checkChunk(chunk);
    if (bad) {
      const callback = typeof encoding === 'function' ? encoding : cb;
      this.destroy(bad);
      if (callback) process.nextTick(callback, bad);
      return false;
    }
    return this.#roomBehindBatch(super.write(chunk, encoding as BufferEncoding, cb));
  }

  /**
   * Node's Writable counts the batch being sent in its buffer (its callback waits for the ack), says
   * "full" at highWaterMark and emits 'drain' only once the buffer is empty, i.e. once every byte has
   * been acknowledged: a paused source would then wait for each round trip and the next batch would
   * start with one chunk. Here what waits behind the write in flight counts, so memory stays within
   * highWaterMark + maxWriteBytes (docs/DESIGN.md §3).
   */
  #roomBehindBatch(nodeSaid: boolean): boolean {
    if (nodeSaid || this.destroyed || this.writableEnded) return nodeSaid;
    if (this.writableLength - this.#inFlight < this.writableHighWaterMark) {
      // Node has marked itself in need of a drain (counting the batch): clear the mark we did not pass on.
      if (!this.#needDrain) nodeState(this).needDrain = false;
      return true;
    }
    this.#needDrain = true;
    return false;
  }

  /** A new batch took the buffer: tell a paused source (after this turn, never from inside a write). */
  #startBatch(units: number): void {
    this.#inFlight = this.#mode === 'documents' ? units : Math.min(units, this.#maxWriteBytes);
    // Stryker disable next-line ConditionalExpression: #drainIfRoom checks #needDrain itself first; this only saves a tick
    if (this.#needDrain) process.nextTick(this.#drainIfRoom);
  }

  /** Any 'drain', ours or Node's own once the buffer is empty, answers the last false. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'drain') this.#needDrain = false;
    return super.emit(event, ...args);
  }

  readonly #drainIfRoom = (): void => {
    if (!this.#needDrain || this.destroyed || this.writableEnded || this.writableLength - this.#inFlight >= this.writableHighWaterMark) return;
    this.#needDrain = false;
    nodeState(this).needDrain = false;
    this.emit('drain');
  };

  override end(chunk?: unknown, encoding?: unknown, cb?: unknown): this {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      const bad = this.#checkChunk(chunk);
      if (bad) {
        this.destroy(bad);
        const callback = [encoding, cb].find((f) => typeof f === 'function') as ((e?: Error) => void) | undefined;
        if (callback) process.nextTick(callback, bad);
        return this;
      }
    }
    return super.end(chunk as never, encoding as never, cb as never);
  }

  #checkChunk(chunk: unknown): Error | undefined {
    if (this.writableEnded) {
      return new ValidationError('write() after end(): the pipe is closing or closed', { code: 'ERR_WRITE_AFTER_END' });
    }
    if (this.#mode === 'documents') return undefined; // checked when serialised, before its write
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) return undefined;
    return new ValidationError(`A ${this.#mode} pipe takes Buffer, Uint8Array or string chunks, got ${describe(chunk)}`, {
      code: 'ERR_INVALID_CHUNK',
    });
  }

  /**
   * Node defers `_destroy` until `_construct` has finished, and `_construct` waits for the engine's
   * `open` reply, which the engine withholds while the task's pipe slots are taken. So the session is
   * abandoned here first: that cancels a pending open and lets the destroy go through at once. (With
   * `close` in flight, abandoning only bounds the wait for its answer; `result` reports the outcome.)
   */
  override destroy(error?: Error): this {
    if (!this.destroyed) this.#session.abandon(error ?? abandoned(), false);
    return super.destroy(error);
  }

  override _construct(callback: (error?: Error | null) => void): void {
    // A destroy() during the open already decided what is emitted: `destroy()` without an error emits
    // none, so the open it cancelled must not report one either (nobody may be listening).
    this.#session.open().then(
      () => callback(),
      (error: Error) => callback(this.destroyed ? null : error),
    );
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#push([chunk], callback);
  }

  override _writev(chunks: Array<{ chunk: unknown }>, callback: (error?: Error | null) => void): void {
    this.#push(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  #push(chunks: unknown[], callback: (error?: Error | null) => void): void {
    const documents = this.#mode === 'documents';
    let units = chunks.length;
    if (!documents) {
      units = 0;
      for (const c of chunks) units += (c as Uint8Array).byteLength;
    }
    this.#startBatch(units);
    const sent = documents ? this.#session.writeDocuments(chunks) : this.#session.writeBytes(chunks as Uint8Array[]);
    sent.then(
      () => {
        this.#inFlight = 0;
        callback();
      },
      (error: Error) => {
        this.#inFlight = 0;
        callback(error);
      },
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#session.finish().then(
      (result) => {
        // Stryker disable next-line StringLiteral: 'finish' is followed at once by autoDestroy's _destroy, which removes it too
        this.#signal?.removeEventListener('abort', this.#onAbort);
        this.emit('result', result);
        this.#resolve(result);
        callback();
      },
      (error: Error) => {
        // Stryker disable next-line StringLiteral: the error destroys the stream, and _destroy removes it too
        this.#signal?.removeEventListener('abort', this.#onAbort);
        this.#reject(error); // also when the stream was destroyed meanwhile: the outcome is this
        callback(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const reason = error ?? abandoned();
    // With `close` in flight, the object may already be committed: `result` waits for the answer.
    const closing = this.#session.closing;
    this.#session.abandon(reason, false);
    if (!closing) this.#reject(reason);
    callback(error);
  }
}

/**
 * Node's own state. Its `needDrain` mark is what `writableNeedDrain` reports (Readable.pipe() and
 * Writable.toWeb() read it before writing; toWeb then skips the write) and what makes Node emit its own
 * 'drain' when the buffer is empty: it must follow what write() said, not what Node would have said.
 */
const nodeState = (w: Writable): { needDrain?: boolean } =>
  (w as unknown as { _writableState?: { needDrain?: boolean } })._writableState ?? {};

function abandoned(): PipeError {
  return new PipeError('The pipe was destroyed before it finished; the object was not committed', { code: 'ERR_PIPE_ABANDONED' });
}

export function createPipe(client: RocketRideClient, token: string, options?: PipeOptions): PipeWritable {
  return new PipeWritable(client, token, options);
}
