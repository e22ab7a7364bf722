// attach() / detach() / isAttached() (issue 13, "Login and sessions"): a socket without a session, on real sockets.
import { describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('attach()', () => {
  it('opens the socket without authenticating: state attached, public commands only, nothing else sent', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    await client.attach();
    expect(client.isAttached()).toBe(true);
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('attached');
    expect(engine.connectionCount()).toBe(1);
    expect(engine.requests()).toEqual([]);
    const info = await client.getServerInfo();
    expect(info.capabilities).toEqual(['oss']);
    const error = (await client.ping().catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_NOT_CONNECTED');
    // The probe went out on the attached socket; the ping never left the client, and no auth either.
    expect(engine.requests().map((r) => r.command)).toEqual(['rrext_public_probe']);
    expect(engine.connectionCount()).toBe(1);
  });

  it('login() then authenticates on the attached socket', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const connected: number[] = [];
    client.on('connected', (c) => connected.push(c.generation));
    await client.attach();
    const result = await client.login();
    expect(result.userId).toBe('local');
    expect(client.isConnected()).toBe(true);
    expect(client.isAttached()).toBe(true);
    expect(connected).toEqual([1]);
    const log = engine.requests();
    expect(log.map((r) => r.command)).toEqual(['auth']);
    expect(engine.connectionCount()).toBe(1);
  });

  it('does nothing on a socket that is already open, authenticated or not', async () => {
    const { engine, client } = await h.connected();
    await client.attach();
    expect(client.isConnected()).toBe(true);
    await client.logout();
    await client.attach();
    expect(client.getConnectionInfo().state).toBe('attached');
    expect(engine.requests().map((r) => r.command)).toEqual(['auth', 'deauth']);
    expect(engine.connectionCount()).toBe(1);
  });

  it('attach(uri) with another address closes the open socket and attaches there', async () => {
    const first = await h.engine();
    const second = await h.engine();
    const client = h.client(first);
    await client.connect();
    const reasons: string[] = [];
    client.on('disconnected', (d) => reasons.push(d.reason));
    await client.attach(second.uri);
    expect(client.getConnectionInfo().state).toBe('attached');
    expect(client.getConnectionInfo().uri).toBe(`${second.uri}`);
    expect(reasons).toEqual(['Disconnected by request']);
    await until(() => first.connectionCount() === 0, 'the first engine to see the close');
    expect(second.connectionCount()).toBe(1);
    expect(second.requests()).toEqual([]);
  });

  it('an aborted signal rejects with AbortError and leaves nothing open', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const error = await client.attach(undefined, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(client.isAttached()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('idle');
    await sleep(20);
    expect(engine.connectionCount()).toBe(0);
  });

  for (const [name, call, code, message] of [
    ['a uri that is not a string', (c: ReturnType<typeof h.client>) => c.attach(42 as never), 'ERR_INVALID_URI', 'attach(): uri must be a non-empty engine address (got 42)'],
    ['an empty uri', (c: ReturnType<typeof h.client>) => c.attach('  '), 'ERR_INVALID_URI', 'attach(): uri must be a non-empty engine address (got an empty string)'],
    ['a signal that is not an AbortSignal', (c: ReturnType<typeof h.client>) => c.attach(undefined, { signal: 'x' as never }), 'ERR_INVALID_ARGUMENT', 'attach() options.signal must be an AbortSignal (got a string)'],
    ['options that are not an object', (c: ReturnType<typeof h.client>) => c.attach(undefined, 5 as never), 'ERR_INVALID_ARGUMENT', 'attach() options must be an object (got 5)'],
  ] as const) {
    it(`${name} → ${code}, nothing opened`, async () => {
      const engine = await h.engine();
      const client = h.client(engine);
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code, message });
      await sleep(20);
      expect(engine.connectionCount()).toBe(0);
      expect(client.getConnectionInfo().uri).toBe(engine.uri);
    });
  }
});

describe('detach()', () => {
  it('closes an attached socket: isAttached() false, state idle, the engine sees the close', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    await client.attach();
    await client.detach();
    expect(client.isAttached()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('idle');
    await until(() => engine.connectionCount() === 0, 'the close');
  });

  it('closes an authenticated socket too, reporting the end of the session', async () => {
    const { engine, client } = await h.connected();
    const reasons: string[] = [];
    client.on('disconnected', (d) => reasons.push(d.reason));
    await client.detach();
    expect(client.isConnected()).toBe(false);
    expect(client.isAttached()).toBe(false);
    expect(reasons).toEqual(['Disconnected by request']);
    await until(() => engine.connectionCount() === 0, 'the close');
  });
});

describe('persist mode keeps the desired state', () => {
  it('an attached socket that is lost is re-attached without auth; detach() stops that', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { persist: true, reconnectDelay: 5, maxReconnectDelay: 20 });
    const reconnects: number[] = [];
    client.on('reconnecting', (r) => reconnects.push(r.attempt));
    await client.attach();
    await client.getServerInfo();
    const firstId = engine.requests()[0]!.connectionId;
    engine.faults.closeAfterFrames(1);
    await client.getServerInfo().catch(() => {});
    await until(() => reconnects.length > 0 && client.isAttached(), 'the re-attach');
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('attached');
    await client.getServerInfo();
    const probes = engine.requests().filter((r) => r.command === 'rrext_public_probe');
    expect(probes.at(-1)!.connectionId).not.toBe(firstId);
    // Never authenticated: the desired state was attached.
    expect(engine.requests().filter((r) => r.command === 'auth')).toEqual([]);
    await client.detach();
    engine.faults.reset();
    await sleep(60);
    expect(client.isAttached()).toBe(false);
    expect(reconnects).toHaveLength(1);
    expect(engine.connectionCount()).toBe(0);
  });

  it('a session opened on an attached socket is restored with auth', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { persist: true, reconnectDelay: 5, maxReconnectDelay: 20 });
    await client.attach();
    await client.login();
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client.generation === 2, 'the re-authentication');
    expect(client.isConnected()).toBe(true);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(2);
  });
});
