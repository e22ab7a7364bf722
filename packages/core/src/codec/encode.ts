import type { DAPMessage, EncodedMessage, Payload } from './types.js';

const NEWLINE = 0x0a;

/** Appends the payload of `data` to `parts` and returns its byte length. */
function pushPayload(parts: Uint8Array[], data: Payload | string | unknown): number {
  if (data instanceof Uint8Array) {
    parts.push(data);
    return data.byteLength;
  }
  if (Array.isArray(data) && data.every((p) => p instanceof Uint8Array)) {
    let n = 0;
    for (const p of data as Uint8Array[]) {
      parts.push(p);
      n += p.byteLength;
    }
    return n;
  }
  // A string travels as its UTF-8 bytes; any other value as its JSON text, as the official TypeScript SDK does.
  const bytes = Buffer.from(typeof data === 'string' ? data : (JSON.stringify(data) ?? ''), 'utf8');
  parts.push(bytes);
  return bytes.byteLength;
}

/**
 * Encodes one message for the wire.
 *
 * A message whose `arguments` has a `data` key becomes a binary message: the JSON header (the message
 * without `arguments.data`, on a single line, since `JSON.stringify` escapes every newline), one
 * `0x0A` byte, then the payload. The payload buffers are returned as they are, not copied; the header
 * is the only new allocation (a `Buffer`, so a small one comes from Node's pool rather than a fresh
 * ArrayBuffer as `TextEncoder` would give). Everything else is a single-line JSON text frame.
 */
export function encodeMessage(message: DAPMessage): EncodedMessage {
  const args = (message as { arguments?: Record<string, unknown> }).arguments;
  if (args === undefined || args === null || !Object.hasOwn(args, 'data')) {
    return { binary: false, text: JSON.stringify(message) };
  }
  const { data, ...rest } = args;
  const header = Buffer.from(`${JSON.stringify({ ...message, arguments: rest })}\n`, 'utf8');
  const parts: Uint8Array[] = [header];
  const byteLength = header.byteLength + pushPayload(parts, data);
  return { binary: true, parts, byteLength };
}

/** Joins an encoded binary message into one buffer (one copy), for peers that cannot send fragments. */
export function joinParts(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts as Uint8Array[]);
}

export { NEWLINE };
