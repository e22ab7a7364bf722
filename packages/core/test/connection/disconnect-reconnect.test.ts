import { describe, expect, it } from 'vitest';
import type { ConnectionError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('disconnect() without awaiting it', () => {
  it('marks the connection gone at once: not connected, pending requests rejected, disconnected emitted', async () => {
    const { engine, client } = await h.connected();
    const events: unknown[] = [];
    client.on('disconnected', (d) => events.push(d));
    engine.faults.withholdResponse('rrext_ping');
    const pending = client.ping().catch((e: unknown) => e);
    const closed = client.disconnect();
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('idle');
    expect(events).toEqual([{ reason: 'Disconnected by request', hasError: false, generation: 1 }]);
    expect(((await pending) as ConnectionError).code).toBe('ERR_DISCONNECTED');
    const late = (await client.ping().catch((e: unknown) => e)) as ConnectionError;
    expect(late.code).toBe('ERR_NOT_CONNECTED');
    await closed;
    await until(() => engine.connectionCount() === 0, 'the socket to close');
    expect(events).toHaveLength(1);
  });

  it('then connect(): a fresh connection (new auth, new generation) that outlives the old socket', async () => {
    const { engine, client } = await h.connected();
    const order: string[] = [];
    client.on('connected', ({ generation }) => order.push(`connected(${generation})`));
    client.on('disconnected', ({ generation }) => order.push(`disconnected(${generation})`));
    void client.disconnect();
    await client.connect();
    expect(client.generation).toBe(2);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(2);
    await until(() => engine.connectionCount() === 1, 'the old socket to close');
    await sleep(20);
    expect(client.isConnected()).toBe(true);
    await client.ping();
    expect(order).toEqual(['disconnected(1)', 'connected(2)']);
  });

  it('then connect() while the first connect is still authenticating: the first fails, the second connects', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { persist: true, reconnectDelay: 5, maxReconnectDelay: 5 });
    engine.faults.delayResponse('auth', 50, { times: 1 });
    const first = client.connect().catch((e: unknown) => e);
    await until(() => engine.requests().some((r) => r.command === 'auth'), 'the first auth');
    void client.disconnect();
    const second = await client.connect();
    expect(second.userToken).toBeDefined();
    expect(((await first) as ConnectionError).code).toBe('ERR_DISCONNECTED');
    await sleep(80); // the first attempt's delayed auth reply has come and gone
    expect(client.isConnected()).toBe(true);
    expect(client.getConnectionInfo().state).toBe('open');
    // Still wanted: a loss in persist mode is followed by a reconnect.
    const generation = client.generation;
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client.generation > generation && client.isConnected(), 'the reconnect');
  });
});
