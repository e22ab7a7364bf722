import { describe, expect, it } from 'vitest';
import { AuthenticationError, type ConnectionError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('logout()', () => {
  it('sends deauth, keeps the socket open but unauthenticated, and reports the end of the session', async () => {
    const { engine, client } = await h.connected();
    const events: unknown[] = [];
    client.on('disconnected', (d) => events.push(d));
    await client.logout();
    expect(engine.requests().map((r) => r.command)).toEqual(['auth', 'deauth']);
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('attached');
    expect(engine.connectionCount()).toBe(1);
    expect(events).toEqual([{ reason: 'Logged out', hasError: false, generation: 1 }]);
    const error = (await client.ping().catch((e: unknown) => e)) as ConnectionError;
    expect(error.code).toBe('ERR_NOT_CONNECTED');
    // Nothing but the deauth went out: a refused request would have made the engine close the socket.
    expect(engine.requests().map((r) => r.command)).toEqual(['auth', 'deauth']);
    expect(engine.connectionCount()).toBe(1);
  });

  it('public commands still work on the logged-out socket', async () => {
    const { engine, client } = await h.connected();
    await client.logout();
    const response = await client.request('rrext_public_probe');
    expect(response.success).toBe(true);
    const ids = new Set(engine.requests().map((r) => r.connectionId));
    expect(ids.size).toBe(1);
    expect(engine.connectionCount()).toBe(1);
  });

  it('without a connection resolves and sends nothing', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    await client.logout();
    expect(engine.requests()).toEqual([]);
    expect(client.getConnectionInfo().state).toBe('idle');
  });

  it('persist mode neither reconnects nor re-authenticates after a logout', async () => {
    const reconnects: unknown[] = [];
    const errors: unknown[] = [];
    const { engine, client } = await h.connected({}, { persist: true, reconnectDelay: 5, onConnectError: (e) => errors.push(e) });
    client.on('reconnecting', (r) => reconnects.push(r));
    await client.logout();
    await engine.close();
    await until(() => client.getConnectionInfo().state === 'idle', 'the socket to close');
    await sleep(60);
    expect(reconnects).toEqual([]);
    expect(errors).toEqual([]);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(1);
  });

  it('cancels a persist-mode reconnect that is waiting', async () => {
    const reconnects: unknown[] = [];
    const errors: { code: string }[] = [];
    const { engine, client } = await h.connected(
      {},
      { persist: true, reconnectDelay: 200, maxReconnectDelay: 200, onConnectError: (e) => errors.push(e) },
    );
    client.on('reconnecting', (r) => reconnects.push(r));
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client.getConnectionInfo().state === 'reconnecting', 'the reconnect to be scheduled');
    await client.logout();
    expect(client.getConnectionInfo().state).toBe('idle');
    expect(errors.map((e) => e.code)).toEqual(['ERR_DISCONNECTED']);
    await sleep(300);
    expect(reconnects).toHaveLength(1);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(1);
  });

  it('connect() after logout() authenticates on the same socket too', async () => {
    const { engine, client } = await h.connected();
    await client.logout();
    await client.connect();
    expect(client.isConnected()).toBe(true);
    const log = engine.requests();
    expect(log.map((r) => r.command)).toEqual(['auth', 'deauth', 'auth']);
    expect(new Set(log.map((r) => r.connectionId)).size).toBe(1);
  });

  it('disconnect() after logout() closes the socket without another disconnected event', async () => {
    const { engine, client } = await h.connected();
    const events: unknown[] = [];
    client.on('disconnected', (d) => events.push(d));
    await client.logout();
    await client.disconnect();
    await until(() => engine.connectionCount() === 0, 'the socket to close');
    expect(events).toHaveLength(1);
    expect(client.getConnectionInfo().state).toBe('idle');
  });
});

describe('login()', () => {
  it('after logout() authenticates again on the same socket', async () => {
    const { engine, client } = await h.connected();
    const connected: unknown[] = [];
    client.on('connected', (c) => connected.push(c));
    await client.logout();
    const result = await client.login();
    expect(result.userToken).toBe('K');
    expect(client.isConnected()).toBe(true);
    expect(client.generation).toBe(2);
    expect(connected).toEqual([{ result, generation: 2 }]);
    await client.ping();
    const log = engine.requests();
    expect(log.map((r) => r.command)).toEqual(['auth', 'deauth', 'auth', 'rrext_ping']);
    expect(new Set(log.map((r) => r.connectionId)).size).toBe(1);
    expect(log[2]!.arguments.auth).toBe('K');
  });

  it('with a wrong credential fails with AuthenticationError and the socket closes', async () => {
    const { engine, client } = await h.connected({ apiKey: 'K' });
    await client.logout();
    const error = (await client.login('wrong').catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.serverMessage).toBe('Invalid API key');
    expect(engine.requests().at(-1)!.arguments.auth).toBe('wrong');
    await until(() => engine.connectionCount() === 0, 'the socket to close');
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('idle');
  });

  it('with a different credential on an authenticated socket re-authenticates on it', async () => {
    const { engine, client } = await h.connected({ apiKey: undefined }, { auth: 'first' });
    const events: string[] = [];
    client.on('disconnected', () => events.push('disconnected'));
    client.on('connected', () => events.push('connected'));
    const result = await client.login('second');
    expect(result.userToken).toBe('second');
    expect(events).toEqual(['disconnected', 'connected']);
    const auths = engine.requests().filter((r) => r.command === 'auth');
    expect(auths.map((r) => r.arguments.auth)).toEqual(['first', 'second']);
    expect(auths[0]!.connectionId).toBe(auths[1]!.connectionId);
    await client.ping();
  });

  it('with the same credential while authenticated returns the current result and sends nothing', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const first = await client.connect();
    expect(await client.login()).toBe(first);
    expect(await client.login('K')).toBe(first);
    expect(engine.requests().map((r) => r.command)).toEqual(['auth']);
  });

  it('without a socket connects', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const result = await client.login();
    expect(result.userToken).toBe('K');
    expect(client.isConnected()).toBe(true);
    expect(engine.requests().map((r) => r.command)).toEqual(['auth']);
  });

  it('opens a fresh connection once the engine limit of 5 auths per connection is used up', async () => {
    const { engine, client } = await h.connected();
    for (let i = 0; i < 4; i++) {
      await client.logout();
      await client.login();
    }
    await client.logout();
    await client.login();
    await client.ping();
    const auths = engine.requests().filter((r) => r.command === 'auth');
    expect(auths).toHaveLength(6);
    expect(auths.slice(0, 5).every((r) => r.connectionId === auths[0]!.connectionId)).toBe(true);
    expect(auths[5]!.connectionId).not.toBe(auths[0]!.connectionId);
    expect(client.isConnected()).toBe(true);
    await until(() => engine.connectionCount() === 1, 'the old socket to close');
  });

  it('replays ref-counted monitors after the re-login', async () => {
    const { engine, client } = await h.connected();
    await client.addMonitor({ token: '*' }, ['DASHBOARD']);
    await client.logout();
    await client.login();
    await until(() => engine.requests().filter((r) => r.command === 'rrext_monitor').length === 2, 'the replay');
    expect(engine.monitorCount()).toBe(1);
  });
});
