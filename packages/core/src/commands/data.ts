import type { CallOptions } from '../config/options.js';
import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { requireObjinfo, requireSignal, requireString } from '../config/checks.js';
import { type DataHost, dataHostOf, type PipeOwner } from '../data/host.js';
import { mimeTypeOf } from '../data/mime.js';
import { checkDataPipeOptions, DataPipe, type DataPipeOptions, type SSECallback } from '../data/data-pipe.js';
import { sendWhole, type WholeObject } from '../data/one-shot.js';

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
 * sent rejects with the real outcome or `ERR_COMMIT_UNKNOWN` (see {@link DataPipe.close}). It follows
 * the rules of a {@link DataPipe} (with `onSSE` it runs on one), so a lost connection between the steps
 * (even if persist mode reconnected) fails with `ERR_CONNECTION_LOST` and sends nothing more.
 */
export function send(
  client: PipeOwner,
  token: string,
  data: string | Uint8Array,
  objinfo?: Record<string, unknown>,
  mimetype?: string,
  options?: SendOptions | SSECallback,
): Promise<PipelineResult> {
  let whole: WholeObject;
  let onSSE: SSECallback | undefined;
  let host: DataHost;
  try {
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
    requireSignal(opts.signal, 'options.signal');
    onSSE = opts.onSSE;
    whole = {
      token,
      object: { ...objinfo, size: bytes.byteLength || 1 },
      mimeType: mimetype ?? mimeTypeOf(objinfo?.name),
      provider: undefined,
      data: bytes,
      signal: opts.signal,
      writeTimeout: opts.writeTimeout,
      closeTimeout: opts.closeTimeout,
    };
    host = dataHostOf(client);
  } catch (error) {
    return Promise.reject(error);
  }
  return onSSE === undefined ? sendWhole(host, whole) : sendWithSse(client, whole, onSSE);
}

/** With `onSSE` the pipe subscribes to its events between open and write: a DataPipe does that. */
async function sendWithSse(client: PipeOwner, o: WholeObject, onSSE: SSECallback): Promise<PipelineResult> {
  const pipeOptions: DataPipeOptions = { onSSE };
  if (o.writeTimeout !== undefined) pipeOptions.writeTimeout = o.writeTimeout;
  if (o.closeTimeout !== undefined) pipeOptions.closeTimeout = o.closeTimeout;
  const pipe = await new DataPipe(client, o.token, o.object, o.mimeType, pipeOptions).openOwned(o.signal);
  await pipe.write(o.data, { signal: o.signal });
  return pipe.finish({ signal: o.signal });
}
