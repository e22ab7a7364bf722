import type WebSocket from 'ws';
import type { EncodedMessage } from '../codec/types.js';

const FRAGMENT = { binary: true, fin: false } as const;
const LAST_FRAGMENT = { binary: true, fin: true } as const;
const TEXT = { binary: false } as const;

/**
 * Binary messages up to this size go out as one frame. `ws` copies every client payload once to mask
 * it, and each fragment is its own socket write: for a small message, one extra copy of a few KiB
 * is cheaper than a second write (measured in bench/: the small-request round trip rate).
 */
export const SMALL_BINARY_MESSAGE = 16 * 1024;

/**
 * Writes one encoded message to the socket. A text message is one text frame. A binary message larger
 * than {@link SMALL_BINARY_MESSAGE} goes out as the fragments of one WebSocket message (header part
 * first, then each payload buffer as it is), so large payload buffers are never concatenated. All
 * fragments are queued in one synchronous loop, so no other message can interleave with them.
 */
export function sendEncoded(ws: WebSocket, encoded: EncodedMessage): void {
  if (!encoded.binary) {
    // As bytes, flagged text: `ws` then masks them into one buffer and the socket gets one write, where
    // a string goes out as two buffers (frame header, payload) through cork/writev.
    ws.send(Buffer.from(encoded.text, 'utf8'), TEXT);
    return;
  }
  const parts = encoded.parts;
  if (encoded.byteLength <= SMALL_BINARY_MESSAGE) {
    ws.send(parts.length === 1 ? parts[0]! : Buffer.concat(parts as Uint8Array[], encoded.byteLength), LAST_FRAGMENT);
    return;
  }
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) ws.send(parts[i]!, FRAGMENT);
  ws.send(parts[last]!, LAST_FRAGMENT);
}
