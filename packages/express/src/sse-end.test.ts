import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as tcpConnect, type Socket } from 'node:net';
import { dataHostOf } from '@rocketride-streams/core/internal';
import { RocketRide } from 'rocketride-streams';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sseHandler } from './sse-handler.js';

let engine: Engine | undefined;
let client: RocketRide | undefined;
let server: Server | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
  await client?.disconnect().catch(() => {});
  await engine?.close();
  engine = undefined;
  client = undefined;
  server = undefined;
  socket = undefined;
});

describe('sseHandler after its event stream ended', () => {
  it('sends no heartbeat into the ended response while a slow browser still drains it', async () => {
    engine = await startEngine();
    client = new RocketRide({ uri: engine.uri, auth: 'k', env: {} });
    await client.connect();
    const errors: unknown[] = [];
    let ended = false;
    server = createServer((req, res) => {
      res.on('error', (e) => errors.push(e));
      res.on('finish', () => {
        ended = true;
      });
      // No cap on buffering here: this is about the response ended by events$, not by a slow client.
      sseHandler(client!, { token: '*', types: ['ALL'] }, { heartbeatMs: 5, maxBufferedBytes: Number.POSITIVE_INFINITY })(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    socket = tcpConnect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await once(socket, 'data');
    socket.pause(); // a browser that stops reading: the response cannot finish until it drains
    await new Promise((r) => setTimeout(r, 20));
    // Client-side events reach events$ like the engine's: enough of them to fill the socket buffers.
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) dataHostOf(client!).dispatchEvent({ type: 'event', seq: 0, event: 'apaevt_status_upload', body: { pad: big } } as never);
    await client.disconnect(); // events$ completes: the handler ends the response
    await new Promise((r) => setTimeout(r, 50)); // many heartbeat periods
    expect(ended).toBe(false); // still draining
    expect(errors).toEqual([]);
  });
});
