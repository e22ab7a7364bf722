import { describe, expect, it } from 'vitest';
import type { RocketRideClient } from '../client/client.js';
import type { RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;
let ticker: NodeJS.Timeout | undefined;
const raw = useRawServers(() => clearInterval(ticker));

describe('keepalive: anything from the peer is a sign of life (design point a)', () => {
  it('a peer that sends frames but no pongs stays connected; once it falls silent it is dropped', async () => {
    server = await raw.start(undefined, { autoPong: false });
    const reasons: string[] = [];
    client = raw.client({
      uri: server.uri,
      auth: 'K',
      env: {},
      keepaliveInterval: 50,
      keepaliveTimeout: 400,
      onDisconnected: (reason) => reasons.push(reason),
    });
    await client.connect();
    let frames = 0;
    ticker = setInterval(() => {
      frames += 1;
      server!.broadcast(JSON.stringify({ type: 'event', seq: 1000 + frames, event: 'apaevt_status_update', body: {} }));
    }, 20);
    // Many keepalive periods (and three timeouts) without a single pong.
    while (frames < 60) await new Promise((r) => setTimeout(r, 10));
    expect(reasons).toEqual([]);
    expect(client.isConnected()).toBe(true);
    const dropped = new Promise<void>((resolve) => client!.once('disconnected', () => resolve()));
    clearInterval(ticker);
    await dropped;
    expect(reasons).toEqual(['Keepalive timeout: no pong for 400ms']);
  });

  it("the engine's own pings keep a connection whose pongs never come (a saturated uplink) alive", async () => {
    server = await raw.start(undefined, { autoPong: false });
    const reasons: string[] = [];
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, keepaliveInterval: 50, keepaliveTimeout: 400, onDisconnected: (r) => reasons.push(r) });
    await client.connect();
    let pings = 0;
    ticker = setInterval(() => {
      pings += 1;
      for (const ws of server!.sockets) ws.ping();
    }, 20);
    while (pings < 60) await new Promise((r) => setTimeout(r, 10));
    expect(reasons).toEqual([]);
    expect(client.isConnected()).toBe(true);
    const dropped = new Promise<void>((resolve) => client!.once('disconnected', () => resolve()));
    clearInterval(ticker);
    await dropped;
    expect(reasons).toEqual(['Keepalive timeout: no pong for 400ms']);
  });
});
