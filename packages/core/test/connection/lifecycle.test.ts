import { ECHO_PIPELINE, startEngine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  type RocketRideError,
  TimeoutError,
} from '../../src/errors/index.js';
import type { RocketRideEvent } from '../../src/schema/events.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('authentication', () => {
  it('an auth failure is fatal: AuthenticationError, socket closed, no retry in persist mode', async () => {
    const engine = await h.engine({ apiKey: 'K' });
    const errors: RocketRideError[] = [];
    const client = h.client(engine, { auth: 'wrong', persist: true, reconnectDelay: 5, onConnectError: (e) => errors.push(e) });
    const error = (await client.connect().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.serverMessage).toBe('Invalid API key');
    expect(error.command).toBe('auth');
    await until(() => engine.connectionCount() === 0, 'the socket to close');
    await sleep(100);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(1);
    expect(errors).toEqual([error]);
    expect(client.getConnectionInfo().state).toBe('idle');
  });

  it('sends auth first and nothing before its reply', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const connecting = client.connect();
    const early = (await client.ping().catch((e: unknown) => e)) as ConnectionError;
    expect(early.code).toBe('ERR_NOT_CONNECTED');
    await connecting;
    await client.ping();
    expect(engine.requests().map((r) => r.command)).toEqual(['auth', 'rrext_ping']);
  });
});

describe('losing the connection', () => {
  it('server closing mid-request rejects every pending request at once with a coded error', async () => {
    const disconnects: unknown[] = [];
    const { engine, client } = await h.connected({}, { onDisconnected: (r, e) => disconnects.push([r, e]) });
    engine.faults.withholdResponse('rrext_get_tasks');
    const first = client.request('rrext_get_tasks', {}).catch((e: unknown) => e);
    await until(() => engine.requests().some((r) => r.command === 'rrext_get_tasks'), 'the first request');
    engine.faults.closeAfterFrames(1);
    const second = client.ping().catch((e: unknown) => e);
    const [a, b] = (await Promise.all([first, second])) as ConnectionError[];
    for (const e of [a, b]) {
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e!.code).toBe('ERR_CONNECTION_LOST');
    }
    expect(b!.command).toBe('rrext_ping');
    expect(disconnects).toHaveLength(1);
    expect((disconnects[0] as [string, boolean])[1]).toBe(true);
    expect(client.isConnected()).toBe(false);
  });

  it('disconnect() rejects pending requests with ERR_DISCONNECTED and reports a clean close', async () => {
    const events: unknown[] = [];
    const { engine, client } = await h.connected();
    client.on('disconnected', (d) => events.push(d));
    engine.faults.withholdResponse('rrext_ping');
    const pending = client.ping().catch((e: unknown) => e);
    await until(() => engine.requests().some((r) => r.command === 'rrext_ping'), 'the ping');
    await client.disconnect();
    const error = (await pending) as ConnectionError;
    expect(error.code).toBe('ERR_DISCONNECTED');
    expect(events).toEqual([{ reason: 'Disconnected by request', hasError: false, generation: 1 }]);
  });
});

describe('timeouts and aborts', () => {
  it('a withheld response times out with TimeoutError; the connection stays usable', async () => {
    const { engine, client } = await h.connected({}, { requestTimeout: 50 });
    engine.faults.withholdResponse('rrext_ping', { times: 1 });
    const error = (await client.ping().catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ERR_TIMEOUT');
    await client.ping({ timeout: 0 });
  });

  it('a late response after a timeout is dropped and matches nothing', async () => {
    const debug: string[] = [];
    const { engine, client } = await h.connected({}, { onDebugMessage: (l) => debug.push(l) });
    engine.faults.delayResponse('rrext_ping', 100, { times: 1 });
    const error = (await client.ping({ timeout: 20 }).catch((e: unknown) => e)) as TimeoutError;
    expect(error.code).toBe('ERR_TIMEOUT');
    await until(() => debug.some((l) => l.startsWith('dropped response')), 'the late response');
    expect(await client.dapRequest('rrext_ping')).toEqual({ pong: true });
  });

  it('abort rejects at once with AbortError; an already aborted signal sends nothing', async () => {
    const { engine, client } = await h.connected();
    engine.faults.delayResponse('rrext_ping', 100, { times: 1 });
    const controller = new AbortController();
    const pending = client.ping({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('user'));
    const error = (await pending) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('ERR_ABORTED');
    const count = engine.requests().length;
    const again = (await client.ping({ signal: controller.signal }).catch((e: unknown) => e)) as AbortError;
    expect(again.code).toBe('ERR_ABORTED');
    expect(engine.requests().length).toBe(count);
    await sleep(150);
    await client.ping();
  });

  it('abort during connect rejects with AbortError and leaves nothing open', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const controller = new AbortController();
    controller.abort();
    const error = (await client.connect(undefined, { signal: controller.signal }).catch((e: unknown) => e)) as AbortError;
    expect(error.code).toBe('ERR_ABORTED');
    await sleep(20);
    expect(engine.connectionCount()).toBe(0);
  });
});

describe('persist mode', () => {
  it('reconnects after a loss, with callbacks in order, a new generation and monitors replayed', async () => {
    const order: string[] = [];
    const { engine, client } = await h.connected(
      {},
      {
        persist: true,
        reconnectDelay: 10,
        onConnected: () => order.push('onConnected'),
        onDisconnected: (_r, hasError) => order.push(`onDisconnected(${hasError})`),
      },
    );
    client.on('reconnecting', ({ attempt }) => order.push(`reconnecting(${attempt})`));
    client.on('connected', ({ generation }) => order.push(`connected(${generation})`));
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    await client.addMonitor({ token: 'T' }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(1);
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client.generation === 2, 'the reconnect');
    await until(() => engine.monitorCount() === 1, 'the monitor replay');
    expect(order).toEqual(['onConnected', 'onDisconnected(true)', 'reconnecting(1)', 'onConnected', 'connected(2)']);
    await client.ping();
    const auths = engine.requests().filter((r) => r.command === 'auth');
    expect(auths).toHaveLength(2);
  });

  it('keeps retrying while the engine is down and connects to a new engine on the same port', async () => {
    const first = await startEngine({ apiKey: 'K' });
    const port = first.port;
    const errors: RocketRideError[] = [];
    const client = h.client(first, { persist: true, reconnectDelay: 10, maxReconnectDelay: 40, onConnectError: (e) => errors.push(e) });
    await client.connect();
    await first.close();
    await until(() => errors.length >= 2, 'failed attempts');
    expect(errors.every((e) => e instanceof ConnectionError && !(e instanceof AuthenticationError))).toBe(true);
    const second = await h.engine({ port });
    await until(() => client.isConnected(), 'the reconnect');
    expect(client.generation).toBe(2);
    expect(second.connectionCount()).toBe(1);
  });

  it('gives up after maxRetryTime with ERR_RECONNECT_GAVE_UP', async () => {
    const engine = await startEngine({ apiKey: 'K' });
    const errors: RocketRideError[] = [];
    const client = h.client(engine, { persist: true, reconnectDelay: 10, maxRetryTime: 80, onConnectError: (e) => errors.push(e) });
    await client.connect();
    await engine.close();
    await until(() => errors.some((e) => e.code === 'ERR_RECONNECT_GAVE_UP'), 'giving up');
    const count = errors.length;
    await sleep(100);
    expect(errors.length).toBe(count);
    expect(client.getConnectionInfo().state).toBe('idle');
  });

  it('without persist, a loss ends the session', async () => {
    const { engine, client } = await h.connected();
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await sleep(50);
    expect(client.isConnected()).toBe(false);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(1);
  });
});

describe('malformed frames from the server', () => {
  it('reports invalid frames through protocolError and keeps working', async () => {
    const events: RocketRideEvent[] = [];
    const { engine, client } = await h.connected({}, { onEvent: (e) => events.push(e) });
    const problems: RocketRideError[] = [];
    client.on('protocolError', (e) => problems.push(e));
    for (const kind of ['invalid-json', 'not-object', 'bad-fields', 'binary-no-newline', 'multiline-json'] as const) {
      engine.faults.sendMalformed(kind);
    }
    await client.ping();
    expect(problems.map((p) => p.code)).toEqual(['ERR_FRAME_NOT_JSON', 'ERR_FRAME_NOT_OBJECT', 'ERR_FRAME_INVALID']);
    expect(events.map((e) => (e.body as { kind: string }).kind)).toEqual(['binary-no-newline', 'multiline-json']);
    expect(client.isConnected()).toBe(true);
  });
});
