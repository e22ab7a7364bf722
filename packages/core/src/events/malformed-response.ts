import { DEFAULT_MAX_HEADER, decodeFrame } from '../codec/decode.js';
import { leadingScalars } from './partial-object.js';

/** Of a frame that is not JSON at all, only this much text is searched for whom it answers. */
const SCAN_LIMIT = 64 * 1024;

/**
 * The `request_seq` of a frame that failed validation but is still recognisably a response: a JSON
 * object with `type: "response"` and an integer `request_seq`. The request it answers can then fail
 * with the frame's ProtocolError instead of waiting for a reply that will never validate. Undefined
 * for anything else (such frames are only reported). Runs on the failure path only. Of a binary frame
 * only the JSON header is read, so a payload that cannot be attached (e.g. `arguments` is a string)
 * does not hide whom the frame answers. A frame that is not JSON at all (e.g. cut short) still names the
 * request it answers when its leading members say `type: "response"` and an integer `request_seq`.
 */
export function malformedResponseSeq(data: Buffer, isBinary: boolean): number | undefined {
  let json = data;
  if (isBinary) {
    const nl = data.subarray(0, DEFAULT_MAX_HEADER + 1).indexOf(0x0a);
    if (nl === -1 && data.length > DEFAULT_MAX_HEADER) return undefined;
    if (nl !== -1) json = data.subarray(0, nl);
  }
  const loose = decodeFrame(json, false, { validate: false });
  if (!loose.ok) return brokenResponseSeq(json);
  const message = loose.message as unknown as Record<string, unknown>;
  if (message.type !== 'response') return undefined;
  return Number.isInteger(message.request_seq) ? (message.request_seq as number) : undefined;
}

/** The `request_seq` named by the leading members of a response that is not valid JSON. */
function brokenResponseSeq(json: Buffer): number | undefined {
  const members = leadingScalars(json.subarray(0, SCAN_LIMIT).toString('utf8'));
  if (members.get('type') !== 'response') return undefined;
  const seq = members.get('request_seq');
  return Number.isInteger(seq) ? (seq as number) : undefined;
}
