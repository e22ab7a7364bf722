import { DEFAULT_MAX_HEADER, decodeFrame } from '../codec/decode.js';

/**
 * The `request_seq` of a frame that failed validation but is still recognisably a response: a JSON
 * object with `type: "response"` and an integer `request_seq`. The request it answers can then fail
 * with the frame's ProtocolError instead of waiting for a reply that will never validate. Undefined
 * for anything else (such frames are only reported). Runs on the failure path only. Of a binary frame
 * only the JSON header is read, so a payload that cannot be attached (e.g. `arguments` is a string)
 * does not hide whom the frame answers.
 */
export function malformedResponseSeq(data: Buffer, isBinary: boolean): number | undefined {
  let json = data;
  if (isBinary) {
    const nl = data.subarray(0, DEFAULT_MAX_HEADER + 1).indexOf(0x0a);
    if (nl === -1 && data.length > DEFAULT_MAX_HEADER) return undefined;
    if (nl !== -1) json = data.subarray(0, nl);
  }
  const loose = decodeFrame(json, false, { validate: false });
  if (!loose.ok) return undefined;
  const message = loose.message as unknown as Record<string, unknown>;
  if (message.type !== 'response') return undefined;
  return Number.isInteger(message.request_seq) ? (message.request_seq as number) : undefined;
}
