import { AbortError } from '../errors/abort-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { PipeError } from '../errors/pipe-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { DAPResponse } from '../codec/types.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import {
  requireBytes,
  requireIndex,
  requireObject,
  requireSignal,
  requireString,
  requireTimeout,
  responseError,
} from '../config/checks.js';
import { type DataHost, dataHostOf, type PipeOwner } from './host.js';
import { failureText } from './failure-text.js';

/** @internal The command of every data-pipe step. */
export const COMMAND = 'rrext_process';

/** Default time a pipe write may wait for its acknowledgement: 120 s. */
export const DEFAULT_WRITE_TIMEOUT_MS = 120_000;
/** Default time a pipe close may wait for its answer (the result of the whole object): 300 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 300_000;
/** After an abort while `close` is in flight, its answer is still awaited this long (at most the close timeout). */
export const CLOSE_ABORT_GRACE_MS = 30_000;

/** Options of {@link pipeWrite}. */
export interface PipeWriteOptions {
  /** Cancels the wait for the acknowledgement (the pipe must then be abandoned, never closed). */
  signal?: AbortSignal;
  /**
   * Longest wait in ms for the acknowledgement; `0` = none. Default {@link DEFAULT_WRITE_TIMEOUT_MS},
   * or the client's `requestTimeout` when that is set and shorter.
   */
  timeout?: number;
}

/** Options of {@link pipeClose}. */
export interface PipeCloseOptions {
  /**
   * Once `close` is sent it cannot be undone: an abort no longer cancels it, it bounds the wait for
   * the answer to {@link CLOSE_ABORT_GRACE_MS}; without an answer by then the close rejects
   * `ERR_COMMIT_UNKNOWN`. Aborted before anything was sent, it rejects `ERR_ABORTED` and sends nothing.
   */
  signal?: AbortSignal;
  /**
   * Longest wait in ms for the answer; `0` = none. Default {@link DEFAULT_CLOSE_TIMEOUT_MS}, or the
   * client's `requestTimeout` when that is set and shorter. Without an answer by then: `ERR_COMMIT_UNKNOWN`.
   */
  timeout?: number;
}

/** @internal A pipe timeout: the one given, else the default capped by the client's `requestTimeout` when set. */
export function pipeTimeout(host: DataHost, given: number | undefined, fallback: number): number {
  if (given !== undefined) return given;
  const cap = host.requestTimeout;
  return cap > 0 ? Math.min(cap, fallback) : fallback;
}
/** The engine's answer to a token that names no running task (PROTOCOL.md §10.1, task lookup). */
const NOT_RUNNING = 'Your pipeline is not running';

/**
 * Opens a data pipe on a task (`rrext_process` open) and resolves with its `pipe_id`.
 * The engine may hold the reply while all of the task's `threads` pipe slots are in use.
 *
 * @throws PipeError `ERR_TASK_NOT_FOUND` when no running task has this token (the engine's
 *   `Your pipeline is not running`: a caller's mistake, not an engine failure); `ERR_PIPE_OPEN` on
 *   any other `success:false`, and on a `success:true` reply without `body.pipe_id` (how the engine
 *   reports open failures at HEAD).
 */
export function pipeOpen(
  client: PipeOwner,
  token: string,
  object: Record<string, unknown>,
  mimeType: string,
  options?: { provider?: string; signal?: AbortSignal },
): Promise<number> {
  let host: DataHost;
  try {
    requireString(token, 'token');
    requireObject(object, 'object');
    requireString(mimeType, 'mimeType');
    if (options?.provider !== undefined) requireString(options.provider, 'provider');
    requireSignal(options?.signal, 'options.signal');
    host = dataHostOf(client);
  } catch (error) {
    return Promise.reject(error);
  }
  return openRequest(host, token, object, mimeType, options?.provider, options?.signal);
}

/**
 * @internal {@link pipeOpen} for arguments already checked (DataPipe): one request and one reaction,
 * no options object, no `async` frame.
 */
export function openRequest(
  host: DataHost,
  token: string,
  object: Record<string, unknown>,
  mimeType: string,
  provider: string | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  const args: Record<string, unknown> = { subcommand: 'open', object, mimeType, token };
  // Stryker disable next-line ConditionalExpression: an undefined provider is dropped by JSON.stringify, so the frame on the wire is the same
  if (provider !== undefined) args.provider = provider;
  return host.request<{ pipe_id?: number }>(COMMAND, args, signal === undefined ? undefined : { signal }).then(openedPipeId);
}

/** @internal The `pipe_id` of an `open` answer, or the coded error for a refused open. */
export function openedPipeId(response: DAPResponse<{ pipe_id?: number }>): number {
  if (!response.success) {
    const code = response.message === NOT_RUNNING ? 'ERR_TASK_NOT_FOUND' : 'ERR_PIPE_OPEN';
    throw responseError(PipeError, code, response, 'Failed to open a data pipe.', 'Failed to open a data pipe: ');
  }
  const pipeId = response.body?.pipe_id;
  if (typeof pipeId !== 'number' || !Number.isInteger(pipeId)) {
    throw new PipeError('Failed to open a data pipe: the engine replied without a pipe_id (the open failed on the engine)', {
      code: 'ERR_PIPE_OPEN',
      command: COMMAND,
      response,
    });
  }
  return pipeId;
}

/**
 * Writes one chunk (one request, one binary frame; an array is sent as fragments of that frame,
 * never concatenated) and resolves when the engine acknowledged it.
 *
 * @throws PipeError `ERR_PIPE_WRITE` on `success:false`.
 */
export function pipeWrite(
  client: PipeOwner,
  token: string,
  pipeId: number,
  data: Uint8Array | readonly Uint8Array[],
  options?: PipeWriteOptions,
): Promise<void> {
  let host: DataHost;
  try {
    requireString(token, 'token');
    requireIndex(pipeId, 'pipeId');
    requireBytes(data);
    requireSignal(options?.signal, 'options.signal');
    requireTimeout(options?.timeout, 'options.timeout');
    host = dataHostOf(client);
  } catch (error) {
    return Promise.reject(error);
  }
  return writeRequest(host, token, pipeId, data, options?.signal, options?.timeout);
}

/** @internal {@link pipeWrite} for arguments already checked (DataPipe). */
export function writeRequest(
  host: DataHost,
  token: string,
  pipeId: number,
  data: Uint8Array | readonly Uint8Array[],
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<void> {
  const timeout = pipeTimeout(host, timeoutMs, DEFAULT_WRITE_TIMEOUT_MS);
  return host
    .request(COMMAND, { subcommand: 'write', pipe_id: pipeId, token, data: data as Uint8Array }, { signal, timeout })
    .then(acknowledged, (error: unknown) => {
      throw writeFailure(error, pipeId, timeout);
    });
}

/** @internal What a write whose request failed rejects with: a timeout becomes `ERR_WRITE_TIMEOUT`, the rest passes. */
export function writeFailure(error: unknown, pipeId: number, timeout: number): unknown {
  if (!(error instanceof TimeoutError)) return error;
  return new TimeoutError(
    `The engine did not acknowledge a write to pipe ${pipeId} within ${timeout} ms; the pipe is given up without a close, so the object is not committed`,
    { code: 'ERR_WRITE_TIMEOUT', command: COMMAND, cause: error },
  );
}

/** @internal Checks a write's acknowledgement: `ERR_PIPE_WRITE` on `success:false`. */
export function acknowledged(response: DAPResponse<Record<string, unknown>>): void {
  if (!response.success) {
    throw responseError(PipeError, 'ERR_PIPE_WRITE', response, 'Failed to write to a data pipe.', 'Failed to write to a data pipe: ');
  }
}

/** Rejections of `request()` that mean the frame never left: nothing was sent, so nothing was committed. */
const NOT_SENT: ReadonlySet<string> = new Set(['ERR_NOT_CONNECTED', 'ERR_ENCODE', 'ERR_SEND_FAILED']);

/**
 * @internal Sends `close` and waits for its answer. Once the frame has left, the object may be committed
 * whatever happens next, so every way of not getting an answer (timeout, lost connection, abort,
 * an unreadable reply) becomes `ERR_COMMIT_UNKNOWN`, never an error that says "not committed".
 */
export function closeRequest(
  host: DataHost,
  token: string,
  pipeId: number,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<DAPResponse<PipelineResult>> {
  if (signal?.aborted) {
    return Promise.reject(
      new AbortError(`The close of pipe ${pipeId} was aborted before it was sent; the object was not committed`, {
        cause: signal.reason,
        command: COMMAND,
      }),
    );
  }
  const timeout = pipeTimeout(host, timeoutMs, DEFAULT_CLOSE_TIMEOUT_MS);
  const args = { subcommand: 'close', pipe_id: pipeId, token };
  // Without a signal nothing can cut the wait short: no controller and no listener to set up.
  if (signal === undefined) {
    return host.request<PipelineResult>(COMMAND, args, { timeout }).catch((error: unknown) => {
      throw unanswered(error, pipeId, timeout, false);
    });
  }
  return closeRequestWithSignal(host, args, pipeId, signal, timeout);
}

async function closeRequestWithSignal(
  host: DataHost,
  args: Record<string, unknown>,
  pipeId: number,
  signal: AbortSignal,
  timeout: number,
): Promise<DAPResponse<PipelineResult>> {
  const giveUp = new AbortController();
  let aborted = false;
  let grace: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    aborted = true;
    grace = setTimeout(() => giveUp.abort(), CLOSE_ABORT_GRACE_MS);
  };
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the finally below removes the listener, and a signal aborts only once
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await host.request<PipelineResult>(COMMAND, args, { signal: giveUp.signal, timeout });
  } catch (error) {
    throw unanswered(error, pipeId, timeout, aborted);
  } finally {
    clearTimeout(grace);
    signal.removeEventListener('abort', onAbort);
  }
}

/** @internal What a close that got no usable answer rejects with: the request's own error when nothing was sent, else `ERR_COMMIT_UNKNOWN`. */
export function unanswered(error: unknown, pipeId: number, timeout: number, aborted: boolean): unknown {
  if (error instanceof RocketRideError && NOT_SENT.has(error.code)) return error;
  let why: string;
  // Stryker disable OptionalChaining: requests reject only with RocketRideError instances, never with undefined or null (`?.message` below)
  if (aborted && (error instanceof TimeoutError || error instanceof AbortError)) {
    why = 'the operation was aborted meanwhile and no answer came in time';
  } else if (error instanceof TimeoutError) why = `no answer came within ${timeout} ms`;
  else if (error instanceof ConnectionError) why = `the connection was lost before its answer (${error.message})`;
  else why = `its answer could not be used (${(error as Error)?.message ?? String(error)})`;
  // Stryker restore OptionalChaining
  return new PipeError(`The close of pipe ${pipeId} was sent but ${why}; the object may or may not have been committed`, {
    code: 'ERR_COMMIT_UNKNOWN',
    command: COMMAND,
    cause: error,
  });
}

/**
 * Closes a pipe, which commits the object, and resolves with the PIPELINE_RESULT.
 *
 * @throws PipeError `ERR_PIPE_CLOSE` on `success:false` or a reply without body (HEAD's way of
 *   reporting a failed close); `ERR_PIPE_RESULT` when the result has `error` set (the body is kept
 *   on the error as `response.body`); `ERR_COMMIT_UNKNOWN` when the close was sent but no answer
 *   came (timeout, lost connection, abort after sending): the object may or may not be committed.
 *   AbortError `ERR_ABORTED` only when aborted before the close was sent.
 */
export function pipeClose(
  client: PipeOwner,
  token: string,
  pipeId: number,
  options?: PipeCloseOptions,
): Promise<PipelineResult> {
  let host: DataHost;
  try {
    requireString(token, 'token');
    requireIndex(pipeId, 'pipeId');
    requireSignal(options?.signal, 'options.signal');
    requireTimeout(options?.timeout, 'options.timeout');
    host = dataHostOf(client);
  } catch (error) {
    return Promise.reject(error);
  }
  return closePipeRequest(host, token, pipeId, options?.signal, options?.timeout);
}

/** @internal {@link pipeClose} for arguments already checked (DataPipe). */
export function closePipeRequest(
  host: DataHost,
  token: string,
  pipeId: number,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<PipelineResult> {
  return closeRequest(host, token, pipeId, signal, timeoutMs).then(pipelineResult);
}

/** @internal The PIPELINE_RESULT of a `close` answer, or the coded error for a failed close. */
export function pipelineResult(response: DAPResponse<PipelineResult>): PipelineResult {
  if (!response.success) {
    throw responseError(PipeError, 'ERR_PIPE_CLOSE', response, 'Failed to close a data pipe.', 'Failed to close a data pipe: ');
  }
  const body = response.body;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: only `body === undefined` can hold here, since the codec turns a null body into none and refuses a non-object one (codec/validate.ts); the other two checks are a second line of defence
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new PipeError('Failed to close a data pipe: the engine replied without a result (the close failed on the engine)', {
      code: 'ERR_PIPE_CLOSE',
      command: COMMAND,
      response,
    });
  }
  if (body.error !== undefined && body.error !== null) {
    const message = failureText(body.error);
    throw new PipeError(`The pipeline failed the object: ${message}`, {
      code: 'ERR_PIPE_RESULT',
      serverMessage: message,
      command: COMMAND,
      response,
    });
  }
  return body;
}
