import type { Connection } from './connection.js';

/**
 * Server-side WebSocket keepalive: a ping every `intervalMs` (the first one `intervalMs` after the socket opened);
 * on each tick, a connection whose last pong (or open) is older than `timeoutMs` is terminated.
 */
export function startKeepalive(conn: Connection, intervalMs: number, timeoutMs: number): () => void {
  const timer = setInterval(() => {
    if (!conn.isOpen) return;
    if (Date.now() - conn.lastPong > timeoutMs) {
      conn.core.log(`connection ${conn.id}: no pong for ${timeoutMs} ms, terminating`);
      conn.terminate();
      return;
    }
    conn.ws.ping();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
