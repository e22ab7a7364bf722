import type { DAPResponse } from '../codec/types.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import type { DataHost } from './host.js';
import { connectionLost, sameConnection } from './pipe-channel.js';
import {
  acknowledged,
  COMMAND,
  closeRequest,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_WRITE_TIMEOUT_MS,
  openedPipeId,
  pipelineResult,
  pipeTimeout,
  unanswered,
  writeFailure,
} from './pipe-protocol.js';

/** @internal What {@link sendWhole} sends. All of it is checked by the caller. */
export interface WholeObject {
  token: string;
  object: Record<string, unknown>;
  mimeType: string;
  provider: string | undefined;
  data: Uint8Array;
  signal: AbortSignal | undefined;
  writeTimeout: number | undefined;
  closeTimeout: number | undefined;
}

/**
 * @internal One whole object through a new pipe, for `send()` without `onSSE`: open, one
 * write, close, by the rules of a {@link DataPipe} (a failed write is never followed by `close`; a
 * connection lost between the steps fails with `ERR_CONNECTION_LOST` and sends nothing more; a close
 * sent but not answered is `ERR_COMMIT_UNKNOWN`). Each step is sent from the reaction to the previous
 * step's answer, with no pipe object, queue or promise chain around it: for small objects the time
 * from one answer to the next request is most of what the client adds to a round trip. `host` is the
 * client's data host (`dataHostOf(client)`), which sends through `client.request()`.
 */
export async function sendWhole(host: DataHost, o: WholeObject): Promise<PipelineResult> {
  const generation = host.generation;
  const { token, signal } = o;
  const open: Record<string, unknown> = { subcommand: 'open', object: o.object, mimeType: o.mimeType, token };
  if (o.provider !== undefined) open.provider = o.provider;
  const pipeId = openedPipeId(await host.request<{ pipe_id?: number }>(COMMAND, open, signal === undefined ? undefined : { signal }));

  if (!sameConnection(host, generation)) throw connectionLost();
  const writeTimeout = pipeTimeout(host, o.writeTimeout, DEFAULT_WRITE_TIMEOUT_MS);
  let ack: DAPResponse<Record<string, unknown>>;
  try {
    ack = await host.request(COMMAND, { subcommand: 'write', pipe_id: pipeId, token, data: o.data }, { signal, timeout: writeTimeout });
  } catch (error) {
    throw writeFailure(error, pipeId, writeTimeout);
  }
  acknowledged(ack);

  if (!sameConnection(host, generation)) throw connectionLost();
  if (signal !== undefined) return pipelineResult(await closeRequest(host, token, pipeId, signal, o.closeTimeout));
  const closeTimeout = pipeTimeout(host, o.closeTimeout, DEFAULT_CLOSE_TIMEOUT_MS);
  let closed: DAPResponse<PipelineResult>;
  try {
    closed = await host.request<PipelineResult>(COMMAND, { subcommand: 'close', pipe_id: pipeId, token }, { timeout: closeTimeout });
  } catch (error) {
    throw unanswered(error, pipeId, closeTimeout, false);
  }
  return pipelineResult(closed);
}
