import type { CallOptions } from '../../config/options.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { PipelineResult } from '../../schema/pipeline-result.js';
import { requireObject, requireString } from '../checks.js';
import type { RocketRideClient } from '../client.js';
import { mimeTypeOf } from '../mime.js';
import { DataPipe, type SSECallback } from '../data-pipe.js';

const encoder = new TextEncoder();

/** Options of `send()`. */
export interface SendOptions extends CallOptions {
  /** The pipe's SSE events while it runs (see `DataPipeOptions.onSSE`). Default: none. */
  onSSE?: SSECallback;
}

/**
 * Sends one whole object: open, one write, close (PROTOCOL.md §12.1). The MIME type defaults to the
 * one of `objinfo.name`; `size` is set to the byte length (0 is sent as 1, as the SDKs do).
 * A failed write abandons the pipe (never closes it). Runs on a {@link DataPipe}, so a lost connection
 * between the steps (even if persist mode reconnected) fails with `ERR_CONNECTION_LOST` and sends nothing more.
 */
export async function send(
  client: RocketRideClient,
  token: string,
  data: string | Uint8Array,
  objinfo?: Record<string, unknown>,
  mimetype?: string,
  options?: SendOptions | SSECallback,
): Promise<PipelineResult> {
  requireString(token, 'token');
  requireObject(objinfo, 'objinfo', true);
  if (mimetype !== undefined) requireString(mimetype, 'mimetype');
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = encoder.encode(data);
  else if (data instanceof Uint8Array) bytes = data;
  else throw new ValidationError('data must be a string or a Uint8Array', { code: 'ERR_INVALID_DATA' });
  const object: Record<string, unknown> = { ...objinfo, size: bytes.byteLength || 1 };
  const mimeType = mimetype ?? mimeTypeOf(objinfo?.name);
  // The official SDK takes the SSE callback as the fifth argument itself.
  const opts: SendOptions = typeof options === 'function' ? { onSSE: options } : (options ?? {});
  const signal = opts.signal;
  const pipeOptions = opts.onSSE === undefined ? {} : { onSSE: opts.onSSE };
  const pipe = await new DataPipe(client, token, object, mimeType, pipeOptions).open({ signal });
  await pipe.write(bytes, { signal });
  return pipe.finish({ signal });
}
