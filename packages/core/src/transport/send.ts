import type WebSocket from 'ws';
import type { EncodedMessage } from '../codec/types.js';

const FRAGMENT = { binary: true, fin: false } as const;
const LAST_FRAGMENT = { binary: true, fin: true } as const;

/**
 * Writes one encoded message to the socket. A text message is one string. A binary message goes out
 * as the fragments of one WebSocket message (header part first, then each payload buffer as it is),
 * so payload buffers are never concatenated. All fragments are queued in one synchronous loop, so no
 * other message can interleave with them.
 */
export function sendEncoded(ws: WebSocket, encoded: EncodedMessage): void {
  if (!encoded.binary) {
    ws.send(encoded.text);
    return;
  }
  const parts = encoded.parts;
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) ws.send(parts[i]!, FRAGMENT);
  ws.send(parts[last]!, LAST_FRAGMENT);
}
