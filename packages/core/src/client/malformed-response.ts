import { decodeFrame } from '../codec/decode.js';

/**
 * The `request_seq` of a frame that failed validation but is still recognisably a response: a JSON
 * object with `type: "response"` and a numeric `request_seq`. The request it answers can then fail
 * with the frame's ProtocolError instead of waiting for a reply that will never validate. Undefined
 * for anything else (such frames are only reported). Runs on the failure path only.
 */
export function malformedResponseSeq(data: Buffer, isBinary: boolean): number | undefined {
  const loose = decodeFrame(data, isBinary, { validate: false });
  if (!loose.ok) return undefined;
  const message = loose.message as unknown as Record<string, unknown>;
  if (message.type !== 'response') return undefined;
  return typeof message.request_seq === 'number' ? message.request_seq : undefined;
}
