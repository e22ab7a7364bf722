import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULTS } from '../../src/config/options.js';
import { AbortError, ConnectionError, TimeoutError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

/** Raw sockets that hold the engine's unauthenticated slots (never authenticate). */
const held: WebSocket[] = [];
let server: Server | undefined;
afterEach(async () => {
  for (const ws of held.splice(0)) ws.terminate();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function holdSlot(uri: string): Promise<WebSocket> {
  const ws = new WebSocket(uri);
  held.push(ws);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** An engine limited to `limit` unauthenticated sockets per address, counting the ones it refuses. */
async function limitedEngine(limit: number) {
  let refused = 0;
  const engine = await h.engine({
    maxUnauthenticatedPerIp: limit,
    log: (line) => {
      if (line.startsWith('refusing a WebSocket')) refused += 1;
    },
  });
  return { engine, refused: () => refused };
}

describe('connectTimeout: one budget, one code (issue 9, bug 8)', () => {
  it('defaults to 30 s; keepalive notices a dead socket within 40 s (ping every 10 s, dead after 30 s)', () => {
    expect(DEFAULTS.connectTimeout).toBe(30_000);
    expect(DEFAULTS.keepaliveInterval).toBe(10_000);
    expect(DEFAULTS.keepaliveTimeout).toBe(30_000);
  });

  it('an auth the engine never answers fails with ERR_CONNECT_TIMEOUT, as documented, and the socket is closed', async () => {
    const engine = await h.engine();
    engine.faults.withholdResponse('auth');
    const client = h.client(engine, { connectTimeout: 300 });
    const error = (await client.connect().catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ERR_CONNECT_TIMEOUT');
    expect(error.message).toBe('Connection timeout after 300ms: the engine did not answer auth');
    expect(error.command).toBe('auth');
    expect((error.cause as TimeoutError).code).toBe('ERR_TIMEOUT');
    expect(client.isConnected()).toBe(false);
    await until(() => engine.connectionCount() === 0, 'the socket to close');
  });
});

describe("the engine's per-address limit of unauthenticated sockets (PROTOCOL.md §1.1, design point b)", () => {
  it('20 simultaneous connects from one process, while the 10 slots are taken, all succeed once slots free up', async () => {
    const { engine, refused } = await limitedEngine(10);
    // The simulator authenticates in microseconds, so its slots are taken here by sockets that never
    // authenticate, as a real engine's slower auth checks keep them taken.
    const blockers = await Promise.all(Array.from({ length: 10 }, () => holdSlot(engine.uri)));
    const clients: RocketRideClient[] = Array.from({ length: 20 }, () => h.client(engine));
    const settled = Promise.allSettled(clients.map((c) => c.connect()));
    await until(() => refused() >= 20, 'every client to be refused once');
    for (const ws of blockers) ws.terminate();
    const results = await settled;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(clients.every((c) => c.isConnected())).toBe(true);
    await until(() => engine.connectionCount() === 20, 'the blockers to be gone');
    await Promise.all(clients.map((c) => c.ping()));
  });

  it('a connect refused while the slots are held gets through once one is free', async () => {
    const { engine, refused } = await limitedEngine(1);
    const blocker = await holdSlot(engine.uri);
    const lines: string[] = [];
    const client = h.client(engine, { connectTimeout: 10_000, onDebugMessage: (line) => lines.push(line) });
    const connecting = client.connect();
    await until(() => refused() >= 2, 'two refusals');
    expect(client.isConnected()).toBe(false);
    blocker.terminate();
    const result = await connecting;
    expect(result.userId).toBe('local');
    expect(lines.filter((l) => l.startsWith('socket refused (too many unauthenticated connections from this address), retry ')).length).toBe(refused());
    await client.ping();
  });

  it('refused for the whole connectTimeout: ERR_CONNECT_TIMEOUT, with the refusal as its cause', async () => {
    const { engine, refused } = await limitedEngine(1);
    await holdSlot(engine.uri);
    const client = h.client(engine, { connectTimeout: 400 });
    const error = (await client.connect().catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ERR_CONNECT_TIMEOUT');
    expect(error.message).toMatch(/^Connection timeout after 400ms: the engine kept refusing the WebSocket \(Failed to connect to ws:\/\/127\.0\.0\.1:\d+\/task\/service: the engine refused the WebSocket \(HTTP 403: too many unauthenticated connections from this address\)\)$/);
    const cause = error.cause as ConnectionError;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect(cause.code).toBe('ERR_CONNECT_REFUSED');
    expect(refused()).toBeGreaterThan(1);
    expect(engine.requests()).toEqual([]);
  });

  it('an abort while waiting to retry rejects with AbortError, and nothing more is tried', async () => {
    const { engine, refused } = await limitedEngine(1);
    await holdSlot(engine.uri);
    const client = h.client(engine, { connectTimeout: 10_000 });
    const ac = new AbortController();
    const connecting = client.connect(undefined, { signal: ac.signal }).catch((e: unknown) => e);
    await until(() => refused() >= 1, 'a refusal');
    ac.abort();
    const error = (await connecting) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('ERR_ABORTED');
    const after = refused();
    await sleep(300);
    expect(refused()).toBe(after);
  });

  it('any other refused handshake (here HTTP 404) fails at once with ERR_CONNECT_FAILED and is not retried', async () => {
    let upgrades = 0;
    server = createServer();
    server.on('upgrade', (_req, socket) => {
      upgrades += 1;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = h.client({ uri: `ws://127.0.0.1:${port}` }, { connectTimeout: 10_000 });
    const error = (await client.connect().catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_CONNECT_FAILED');
    expect(error.message).toBe(`Failed to connect to ws://127.0.0.1:${port}/task/service: unexpected server response 404`);
    expect(upgrades).toBe(1);
  });
});
