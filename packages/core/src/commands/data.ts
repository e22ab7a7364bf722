import type { CallOptions } from '../config/options.js';
import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireObjinfo, requireSignal, requireString } from '../config/checks.js';
import type { PipeOwner } from '../data/host.js';
import { mimeTypeOf } from '../data/mime.js';
import { checkDataPipeOptions, DataPipe, type DataPipeOptions, type SSECallback } from '../data/data-pipe.js';

const encoder = new TextEncoder();

/** Options of `send()`. */
export interface SendOptions extends CallOptions, Pick<DataPipeOptions, 'writeTimeout' | 'closeTimeout'> {
  /** The pipe's SSE events while it runs (see `DataPipeOptions.onSSE`). Default: none. */
  onSSE?: SSECallback;
}

/**
 * Sends one whole object: open, one write, close (PROTOCOL.md §12.1). The MIME type defaults to the
 * one of `objinfo.name`; `size` is set to the byte length (0 is sent as 1, as the SDKs do).
 * A failed write abandons the pipe (never closes it); an abort or lost connection once `close` was
 * sent rejects with the real outcome or `ERR_COMMIT_UNKNOWN` (see {@link DataPipe.close}). Runs on a
 * {@link DataPipe}, so a lost connection between the steps (even if persist mode reconnected) fails with `ERR_CONNECTION_LOST` and sends nothing more.
 */
export async function send(
  client: PipeOwner,
  token: string,
  data: string | Uint8Array,
  objinfo?: Record<string, unknown>,
  mimetype?: string,
  options?: SendOptions | SSECallback,
): Promise<PipelineResult> {
  requireString(token, 'token');
  requireObjinfo(objinfo, 'objinfo', true);
  if (mimetype !== undefined) requireString(mimetype, 'mimetype');
  let bytes: Uint8Array;
  if (typeof data === 'string') bytes = encoder.encode(data);
  else if (data instanceof Uint8Array) bytes = data;
  else throw new ValidationError('data must be a string or a Uint8Array', { code: 'ERR_INVALID_DATA' });
  // The official SDK takes the SSE callback as the fifth argument itself.
  if (options !== undefined && typeof options !== 'function') checkDataPipeOptions(options);
  const opts: SendOptions = typeof options === 'function' ? { onSSE: options } : (options ?? {});
  const signal = opts.signal;
  requireSignal(signal, 'options.signal');
  const object: Record<string, unknown> = { ...objinfo, size: bytes.byteLength || 1 };
  const mimeType = mimetype ?? mimeTypeOf(objinfo?.name);
  const pipeOptions: DataPipeOptions = {};
  if (opts.onSSE !== undefined) pipeOptions.onSSE = opts.onSSE;
  if (opts.writeTimeout !== undefined) pipeOptions.writeTimeout = opts.writeTimeout;
  if (opts.closeTimeout !== undefined) pipeOptions.closeTimeout = opts.closeTimeout;
  const pipe = await new DataPipe(client, token, object, mimeType, pipeOptions).open({ signal });
  await pipe.write(bytes, { signal });
  return pipe.finish({ signal });
}
