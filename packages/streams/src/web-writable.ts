import { AbortError, PipeError, type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { checkClient, checkToken } from './option-checks.js';
import { type PipeOptions, resolvePipeOptions } from './options.js';
import { describe, PipeSession } from './session.js';

/** A WHATWG `WritableStream` feeding one engine pipe, with its result. */
export interface PipeWritableStream<T = Uint8Array | string> extends WritableStream<T> {
  /** The engine's result once the stream closed. Rejects if it fails; never an unhandled rejection. */
  readonly result: Promise<PipelineResult>;
}

const encoder = new TextEncoder();

/** Byte-length queuing that also measures strings (as UTF-8); anything else counts 1 and is refused in write(). */
const byteSize = (chunk: unknown): number =>
  typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 1;

/**
 * A WHATWG `WritableStream` with the same contract as {@link PipeWritable}, written directly on the
 * stream's underlying-sink interface: the pipe opens in `start`, chunks written while a write request
 * is in flight are gathered (up to `maxWriteBytes`) and sent as the next single write, `close` commits
 * the object, and `abort` abandons it without a `close`. The queue is measured in bytes
 * (`ByteLengthQueuingStrategy`, `highWaterMark` bytes) or, in documents mode, in objects. Once
 * `close` has been sent, an abort of `signal` only bounds the wait for its answer (up to 30 s): the
 * stream closes or fails with the real outcome, or `ERR_COMMIT_UNKNOWN` without an answer.
 */
export function createWritable(client: RocketRideClient, token: string, options: PipeOptions = {}): PipeWritableStream {
  checkClient(client);
  checkToken(token);
  const opts = resolvePipeOptions(options);
  const session = new PipeSession(client, token, opts, options.onProgress);
  const documents = opts.mode === 'documents';
  let resolveResult!: (r: PipelineResult) => void;
  let rejectResult!: (e: Error) => void;
  const result = new Promise<PipelineResult>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  result.catch(() => {});

  let batch: unknown[] = [];
  let batchBytes = 0;
  let flight: Promise<void> | undefined; // the pump sending batches, one write request at a time
  let failure: Error | undefined;
  let controller: WritableStreamDefaultController;
  let spaceWaiter: (() => void) | undefined;

  const fail = (err: Error): Error => {
    failure ??= err;
    signal?.removeEventListener('abort', onAbort);
    session.abandon(failure, false);
    rejectResult(failure);
    return failure;
  };
  session.onAbandon = (reason) => {
    if (!failure) controller?.error(fail(reason));
  };
  const signal = options.signal;
  const onAbort = (): void => {
    if (failure) return;
    // Once `close` was sent the abort cannot undo it: close() reports the real outcome instead.
    if (session.closing) session.abandon(new AbortError('The pipe was aborted while closing', { cause: signal?.reason }), false);
    else controller?.error(fail(new AbortError('The pipe was aborted; the object was not committed', { cause: signal?.reason })));
  };

  const pump = async (): Promise<void> => {
    while (batch.length > 0) {
      const taken = batch;
      batch = [];
      batchBytes = 0;
      spaceWaiter?.();
      spaceWaiter = undefined;
      if (documents) await session.writeDocuments(taken);
      else await session.writeBytes(taken as Uint8Array[]);
    }
  };
  const startPump = (): void => {
    if (flight) return;
    flight = pump().then(
      () => {
        flight = undefined;
        if (batch.length > 0) startPump();
      },
      (err: Error) => {
        flight = undefined;
        spaceWaiter?.();
        controller.error(fail(err));
      },
    );
  };

  const stream = new WritableStream<unknown>(
    {
      async start(c) {
        controller = c;
        if (signal?.aborted) throw fail(new AbortError('The pipe was aborted before it opened', { cause: signal.reason }));
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await session.open();
        } catch (err) {
          throw fail(err as Error);
        }
      },
      async write(chunk) {
        if (failure) throw failure;
        let item: unknown = chunk;
        if (!documents) {
          if (typeof chunk === 'string') item = encoder.encode(chunk);
          else if (!(chunk instanceof Uint8Array)) {
            throw fail(
              new ValidationError(`A ${opts.mode} pipe takes Uint8Array or string chunks, got ${describe(chunk)}`, { code: 'ERR_INVALID_CHUNK' }),
            );
          }
        }
        batch.push(item);
        batchBytes += documents ? 1 : (item as Uint8Array).byteLength;
        startPump();
        // Accept more while a write is in flight, up to one write's worth; then wait for the pump.
        const limit = documents ? opts.highWaterMark || 1 : opts.maxWriteBytes;
        if (batchBytes >= limit) {
          await new Promise<void>((resolve) => {
            spaceWaiter = resolve;
          });
          if (failure) throw failure;
        }
      },
      async close() {
        // The signal stays armed until the engine answered `close`: an abort while the last writes
        // are still in flight abandons the pipe, as it does for PipeWritable.
        try {
          while (flight) await flight;
          if (failure) throw failure;
          const r = await session.finish();
          resolveResult(r);
        } catch (err) {
          throw fail(err as Error);
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      },
      abort(reason) {
        signal?.removeEventListener('abort', onAbort);
        fail(reason instanceof Error ? reason : new PipeError('The stream was aborted; the object was not committed', { cause: reason, code: 'ERR_PIPE_ABANDONED' }));
      },
    },
    documents
      ? new CountQueuingStrategy({ highWaterMark: opts.highWaterMark })
      : { highWaterMark: opts.highWaterMark, size: byteSize },
  ) as PipeWritableStream;
  Object.defineProperty(stream, 'result', { value: result, enumerable: true });
  return stream;
}
