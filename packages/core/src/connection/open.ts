import { abortError } from '../transport/pending.js';
import { Connection, openSocketWithin } from '../transport/socket.js';
import type { LifecycleSettings } from './lifecycle-host.js';

/**
 * Opens the socket of one connect attempt within what is left of `connectTimeout` (counted from
 * `started`) and wraps it in a Connection with the settings' keepalive. An abort (or a disconnect()
 * cutting the attempt short) that lands after the socket opened terminates it: it never becomes a
 * connection that could stand in for a newer attempt's.
 */
export async function openConnection(
  s: LifecycleSettings,
  started: number,
  signal: AbortSignal,
  handlers: { message(conn: Connection, data: Buffer, isBinary: boolean): void; close(conn: Connection, reason: string, hasError: boolean): void },
  debug: ((line: string) => void) | undefined,
): Promise<Connection> {
  debug?.(`connecting to ${s.uri}`);
  const ws = await openSocketWithin(s.uri, {
    timeout: s.connectTimeout,
    started,
    signal,
    perMessageDeflate: s.perMessageDeflate,
    maxPayload: s.maxPayload,
    onRefused: (attempt, delay) => debug?.(`socket refused (too many unauthenticated connections from this address), retry ${attempt} in ${delay}ms`),
  });
  if (signal.aborted) {
    ws.on('error', () => {});
    ws.terminate();
    throw abortError(signal, 'Connect');
  }
  const conn: Connection = new Connection(
    ws,
    { message: (data, isBinary) => handlers.message(conn, data, isBinary), close: (reason, hasError) => handlers.close(conn, reason, hasError) },
    { interval: s.keepaliveInterval, timeout: s.keepaliveTimeout },
  );
  return conn;
}
