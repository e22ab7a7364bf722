import { PipeError } from '../errors/pipe-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireBytes, requireIndex, requireObject, requireString, responseError } from './checks.js';
import type { RocketRideClient } from './client.js';

const COMMAND = 'rrext_process';

/** The engine's answer to a token that names no running task (PROTOCOL.md §10.1, task lookup). */
const NOT_RUNNING = 'Your pipeline is not running';

/**
 * Opens a data pipe on a task (`rrext_process` open, PROTOCOL.md §5.5) and resolves with its `pipe_id`.
 * The engine may hold the reply while all of the task's `threads` pipe slots are in use.
 *
 * @throws PipeError `ERR_TASK_NOT_FOUND` when no running task has this token (the engine's
 *   `Your pipeline is not running`: a caller's mistake, not an engine failure); `ERR_PIPE_OPEN` on
 *   any other `success:false`, and on a `success:true` reply without `body.pipe_id` (how the engine
 *   reports open failures at HEAD).
 */
export async function pipeOpen(
  client: RocketRideClient,
  token: string,
  object: Record<string, unknown>,
  mimeType: string,
  options?: { provider?: string; signal?: AbortSignal },
): Promise<number> {
  requireString(token, 'token');
  requireObject(object, 'object');
  requireString(mimeType, 'mimeType');
  const args: Record<string, unknown> = { subcommand: 'open', object, mimeType, token };
  if (options?.provider !== undefined) args.provider = options.provider;
  const response = await client.request<{ pipe_id?: number }>(COMMAND, args, { signal: options?.signal });
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
export async function pipeWrite(
  client: RocketRideClient,
  token: string,
  pipeId: number,
  data: Uint8Array | readonly Uint8Array[],
  options?: { signal?: AbortSignal },
): Promise<void> {
  requireString(token, 'token');
  requireIndex(pipeId, 'pipeId');
  requireBytes(data);
  const response = await client.request(
    COMMAND,
    { subcommand: 'write', pipe_id: pipeId, token, data: data as Uint8Array },
    { signal: options?.signal },
  );
  if (!response.success) {
    throw responseError(PipeError, 'ERR_PIPE_WRITE', response, 'Failed to write to a data pipe.', 'Failed to write to a data pipe: ');
  }
}

/**
 * Closes a pipe, which commits the object, and resolves with the PIPELINE_RESULT.
 *
 * @throws PipeError `ERR_PIPE_CLOSE` on `success:false` or a reply without body (HEAD's way of
 *   reporting a failed close); `ERR_PIPE_RESULT` when the result has `error` set (the body is kept
 *   on the error as `response.body`).
 */
export async function pipeClose(
  client: RocketRideClient,
  token: string,
  pipeId: number,
  options?: { signal?: AbortSignal },
): Promise<PipelineResult> {
  requireString(token, 'token');
  requireIndex(pipeId, 'pipeId');
  const response = await client.request<PipelineResult>(
    COMMAND,
    { subcommand: 'close', pipe_id: pipeId, token },
    { signal: options?.signal },
  );
  if (!response.success) {
    throw responseError(PipeError, 'ERR_PIPE_CLOSE', response, 'Failed to close a data pipe.', 'Failed to close a data pipe: ');
  }
  const body = response.body;
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new PipeError('Failed to close a data pipe: the engine replied without a result (the close failed on the engine)', {
      code: 'ERR_PIPE_CLOSE',
      command: COMMAND,
      response,
    });
  }
  if (body.error !== undefined && body.error !== null) {
    const message = typeof body.error.message === 'string' ? body.error.message : JSON.stringify(body.error);
    throw new PipeError(`The pipeline failed the object: ${message}`, {
      code: 'ERR_PIPE_RESULT',
      serverMessage: message,
      command: COMMAND,
      response,
    });
  }
  return body;
}
