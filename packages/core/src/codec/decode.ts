import type { ProtocolErrorCode } from '../errors/codes.js';
import { ProtocolError } from '../errors/protocol-error.js';
import type { DAPMessage } from './types.js';
import { requireObject, validateMessage } from './validate.js';

export interface DecodeOptions {
  /**
   * The longest JSON header searched for the `0x0A` separator of a binary frame. A binary frame with
   * no newline in this many bytes is refused rather than scanned to its end. Default 1 MiB.
   */
  maxHeaderBytes?: number;
  /**
   * Check the envelope fields (default true). A server turns this off to answer requests with odd
   * shapes the way the engine does (e.g. a request without `command`); the value must still be a JSON object.
   */
  validate?: boolean;
}

export type DecodeResult = { ok: true; message: DAPMessage } | { ok: false; error: ProtocolError };

const NEWLINE = 0x0a;
/** Default of {@link DecodeOptions.maxHeaderBytes}. */
export const DEFAULT_MAX_HEADER = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The default options, shared: no object is allocated per frame for them. */
const NO_OPTIONS: DecodeOptions = Object.freeze({});

function fail(code: ProtocolErrorCode, message: string, cause?: unknown): DecodeResult {
  return { ok: false, error: new ProtocolError(message, { code, cause }) };
}

function parseJson(bytes: Uint8Array | string): { ok: true; value: unknown } | { ok: false; result: DecodeResult } {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
  } catch (cause) {
    return { ok: false, result: fail('ERR_FRAME_NOT_UTF8', 'Frame is not valid UTF-8', cause) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    return { ok: false, result: fail('ERR_FRAME_NOT_JSON', `Frame is not valid JSON: ${JSON.stringify(preview)}`, cause) };
  }
}

function toBuffer(data: Uint8Array | ArrayBuffer | readonly Uint8Array[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.concat(data as Uint8Array[]);
}

/**
 * Decodes one WebSocket message. Never throws: a malformed frame yields `{ ok: false, error }` with a
 * coded {@link ProtocolError}, so a transport can report it and keep the socket.
 *
 * Text frames are whole JSON documents (also multi-line ones). Binary frames are split at the first
 * `0x0A`: the bytes before it are the JSON header, the bytes after it become `arguments.data` as a
 * view on the received buffer (no copy). A binary frame without a newline is one JSON document.
 */
export function decodeFrame(
  data: string | Uint8Array | ArrayBuffer | readonly Uint8Array[],
  isBinary: boolean,
  options: DecodeOptions = NO_OPTIONS,
): DecodeResult {
  try {
    return decode(data, isBinary, options);
  } catch (cause) {
    // Last resort: the steps above are written not to throw, but a frame must never escape as an exception.
    return fail('ERR_FRAME_INVALID', 'Frame could not be decoded', cause);
  }
}

function decode(data: string | Uint8Array | ArrayBuffer | readonly Uint8Array[], isBinary: boolean, options: DecodeOptions): DecodeResult {
  if (typeof data === 'string') return finish(parseJson(data), undefined, options);
  const buf = toBuffer(data);
  if (!isBinary) return finish(parseJson(buf), undefined, options);

  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  // Search only where a header may be: a huge frame with no separator is not scanned to its end.
  const nl = buf.subarray(0, maxHeader + 1).indexOf(NEWLINE);
  if (nl === -1) {
    if (buf.length > maxHeader) {
      return fail('ERR_FRAME_HEADER_TOO_LARGE', `Binary frame has no header separator within ${maxHeader} bytes`);
    }
    return finish(parseJson(buf), undefined, options);
  }
  return finish(parseJson(buf.subarray(0, nl)), buf.subarray(nl + 1), options);
}

function finish(parsed: ReturnType<typeof parseJson>, payload: Buffer | undefined, options: DecodeOptions): DecodeResult {
  if (!parsed.ok) return parsed.result;
  const checked = options.validate === false ? requireObject(parsed.value) : validateMessage(parsed.value);
  if (!checked.ok) return checked;
  if (payload !== undefined) {
    const msg = checked.message as { arguments?: unknown };
    // `null` (or no `arguments`) gets a fresh object; anything else that is not an object cannot carry the payload.
    if (msg.arguments === undefined || msg.arguments === null) msg.arguments = {};
    else if (typeof msg.arguments !== 'object' || Array.isArray(msg.arguments)) {
      return fail('ERR_FRAME_INVALID', 'Binary frame: "arguments" must be an object');
    }
    (msg.arguments as Record<string, unknown>).data = payload;
  }
  return checked;
}
