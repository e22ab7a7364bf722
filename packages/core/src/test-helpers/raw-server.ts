import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { decodeFrame } from '../codec/decode.js';
import type { DAPRequest } from '../codec/types.js';

/** What a raw test server's handler can do for one request. */
export interface RawContext {
  ws: WebSocket;
  reply(body?: Record<string, unknown>, extra?: Record<string, unknown>): void;
  fail(message: string): void;
}

export type RawHandler = (request: DAPRequest, ctx: RawContext) => void;

export interface RawServerOptions {
  /** Answer pings at the WebSocket level (ws's default). Default true. */
  autoPong?: boolean;
  /** Runs for each new connection before any frame of it is read (to close it at once, say). */
  onConnection?: (ws: WebSocket) => void;
}

/**
 * A tiny WebSocket server on 127.0.0.1 for transport edge cases the simulator cannot produce.
 * The default handler answers `auth` and `rrext_ping`; give `handler` to change anything.
 */
export async function startRawServer(handler?: RawHandler, options: RawServerOptions = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const received: DAPRequest[] = [];
  const raw: Array<{ binary: boolean; bytes: Buffer }> = [];
  let seq = 0;
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    options.onConnection?.(ws);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const decoded = decodeFrame(data, isBinary);
      if (!decoded.ok) return;
      const request = decoded.message as DAPRequest;
      received.push(request);
      raw.push({ binary: isBinary, bytes: Buffer.from(data) });
      const ctx: RawContext = {
        ws,
        reply: (body, extra) =>
          ws.send(
            JSON.stringify({
              type: 'response',
              seq: ++seq,
              request_seq: request.seq ?? null,
              command: request.command,
              success: true,
              ...(body === undefined ? {} : { body }),
              ...extra,
            }),
          ),
        fail: (message) =>
          ws.send(
            JSON.stringify({ type: 'response', seq: ++seq, request_seq: request.seq ?? null, command: request.command, success: false, message }),
          ),
      };
      (handler ?? defaultHandler)(request, ctx);
    });
  });
  return {
    port,
    uri: `ws://127.0.0.1:${port}`,
    received,
    /** Every message as received: whether binary, and its bytes (fragments reassembled by ws). */
    raw,
    sockets,
    /** Sends a raw frame to every connected client. */
    broadcast(data: string | Buffer, binary = false) {
      for (const ws of sockets) ws.send(data, { binary });
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export function defaultHandler(request: DAPRequest, ctx: RawContext): void {
  if (request.command === 'auth') ctx.reply({ userToken: String(request.arguments?.auth ?? ''), userId: 'local' });
  else if (request.command === 'rrext_ping') ctx.reply({ pong: true });
  else ctx.fail(`Invalid command: ${request.command}`);
}

export type RawServer = Awaited<ReturnType<typeof startRawServer>>;
