import type { DAPMessage, EncodedMessage, Payload } from './types.js';

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

function payloadParts(data: Payload | string | unknown): Uint8Array[] {
  if (data instanceof Uint8Array) return [data];
  if (Array.isArray(data) && data.every((p) => p instanceof Uint8Array)) return data as Uint8Array[];
  if (typeof data === 'string') return [encoder.encode(data)];
  // Any other value travels as its JSON text, as the official TypeScript SDK does.
  return [encoder.encode(JSON.stringify(data) ?? '')];
}

/**
 * Encodes one message for the wire.
 *
 * A message whose `arguments` has a `data` key becomes a binary message: the JSON header (the message
 * without `arguments.data`, on a single line, since `JSON.stringify` escapes every newline), one
 * `0x0A` byte, then the payload. The payload buffers are returned as they are, not copied; the header
 * is the only new allocation. Everything else is a single-line JSON text frame.
 */
export function encodeMessage(message: DAPMessage): EncodedMessage {
  const args = (message as { arguments?: Record<string, unknown> }).arguments;
  if (args === undefined || args === null || !Object.hasOwn(args, 'data')) {
    return { binary: false, text: JSON.stringify(message) };
  }
  const { data, ...rest } = args;
  const header = encoder.encode(`${JSON.stringify({ ...message, arguments: rest })}\n`);
  const parts = [header, ...payloadParts(data)];
  let byteLength = 0;
  for (const p of parts) byteLength += p.byteLength;
  return { binary: true, parts, byteLength };
}

/** Joins an encoded binary message into one buffer (one copy), for peers that cannot send fragments. */
export function joinParts(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts as Uint8Array[]);
}

export { NEWLINE };
