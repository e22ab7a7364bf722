import { describe, expect, it } from 'vitest';
import type { RocketRideClient } from '../client/client.js';
import { AuthenticationError, ConnectionError, TimeoutError } from '../errors/index.js';
import type { RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

describe('transport against a raw server', () => {
  it('authenticates first, then pings', async () => {
    server = await raw.start();
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    const result = await client.connect();
    expect(result.userToken).toBe('K');
    await client.ping();
    expect(server.received.map((r) => r.command)).toEqual(['auth', 'rrext_ping']);
    expect(server.received[0]!.seq).toBe(1);
    expect(server.received[1]!.seq).toBe(2);
  });

  it('times out when auth is never answered, and closes the socket', async () => {
    server = await raw.start(() => {});
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, connectTimeout: 200 });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(client.isConnected()).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sockets.size).toBe(0);
  });

  it('rejects an auth failure with AuthenticationError', async () => {
    server = await raw.start((_req, ctx) => ctx.fail('Invalid API key'));
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, persist: true });
    const error = (await client.connect().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.serverMessage).toBe('Invalid API key');
  });
});

describe('framing and diagnostics', () => {
  it('sends a list payload as one binary message made of its fragments, in order', async () => {
    server = await raw.start((req, ctx) => (req.command === 'auth' ? ctx.reply({ userToken: 'K' }) : ctx.reply()));
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const a = Buffer.from('hello\n');
    const b = Buffer.from([0, 1, 2, 10, 255]);
    const response = await client.request('rrext_process', { subcommand: 'write', pipe_id: 0, token: 'T', data: [a, b] });
    expect(response.success).toBe(true);
    const frame = server.raw[1]!;
    expect(frame.binary).toBe(true);
    const nl = frame.bytes.indexOf(10);
    expect(JSON.parse(frame.bytes.subarray(0, nl).toString())).toEqual({
      type: 'request',
      seq: 2,
      command: 'rrext_process',
      arguments: { subcommand: 'write', pipe_id: 0, token: 'T' },
    });
    expect(frame.bytes.subarray(nl + 1)).toEqual(Buffer.concat([a, b]));
    expect(server.received[1]!.arguments!.data).toEqual(Buffer.concat([a, b]));
  });

  it('redacts the credential in onProtocolMessage and builds no debug output unless asked', async () => {
    server = await raw.start();
    const seen: unknown[] = [];
    client = raw.client({
      uri: server.uri,
      auth: 'SECRET',
      env: {},
      onProtocolMessage: (m, d) => seen.push([d, m]),
    });
    await client.connect();
    const text = JSON.stringify(seen);
    expect(text).not.toContain('SECRET');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject(['send', { command: 'auth', arguments: { auth: '***' } }]);
  });

  it('rejects requests before connect and an empty credential without opening a socket', async () => {
    server = await raw.start();
    let connections = 0;
    server.sockets.add = new Proxy(server.sockets.add, {
      apply(target, thisArg, args) {
        connections++;
        return Reflect.apply(target, thisArg, args);
      },
    });
    client = raw.client({ uri: server.uri, env: {} });
    const notConnected = (await client.ping().catch((e: unknown) => e)) as ConnectionError;
    expect(notConnected.code).toBe('ERR_NOT_CONNECTED');
    const noCredential = (await client.connect().catch((e: unknown) => e)) as AuthenticationError;
    expect(noCredential).toBeInstanceOf(AuthenticationError);
    expect(noCredential.code).toBe('ERR_NO_CREDENTIAL');
    await new Promise((r) => setTimeout(r, 20));
    expect(connections).toBe(0);
  });

  it('terminates a connection whose peer stops answering pings', async () => {
    server = await raw.start((req, ctx) => req.command === 'auth' && ctx.reply({ userToken: 'K' }), { autoPong: false });
    const reasons: Array<[string, boolean]> = [];
    client = raw.client({
      uri: server.uri,
      auth: 'K',
      env: {},
      keepaliveInterval: 20,
      keepaliveTimeout: 60,
      onDisconnected: (reason, hasError) => reasons.push([reason, hasError]),
    });
    await client.connect();
    const pending = client.request('never-answered', {}).catch((e: unknown) => e);
    await new Promise<void>((resolve) => client!.once('disconnected', () => resolve()));
    expect(reasons).toEqual([['Keepalive timeout: no pong for 60ms', true]]);
    const error = (await pending) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_CONNECTION_LOST');
  });

  it('keeps a healthy connection alive through many keepalive ticks', async () => {
    server = await raw.start();
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, keepaliveInterval: 10, keepaliveTimeout: 60 });
    await client.connect();
    await new Promise((r) => setTimeout(r, 150));
    expect(client.isConnected()).toBe(true);
  });
});

describe('large binary messages', () => {
  it('are sent as fragments of one message and arrive intact', async () => {
    server = await raw.start((req, ctx) => (req.command === 'auth' ? ctx.reply({ userToken: 'K' }) : ctx.reply()));
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    await client.connect();
    const parts = [Buffer.alloc(40_000, 1), Buffer.alloc(3, 10), Buffer.alloc(30_000, 2)];
    await client.request('rrext_process', { subcommand: 'write', pipe_id: 0, token: 'T', data: parts });
    expect(server.received[1]!.arguments!.data).toEqual(Buffer.concat(parts));
  });
});
