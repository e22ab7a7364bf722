import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('connect(credential) while connected', () => {
  it('with the same credential, or none, returns the current result and sends nothing', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const first = await client.connect();
    expect(await client.connect()).toBe(first);
    expect(await client.connect('K')).toBe(first);
    expect(engine.requests().map((r) => r.command)).toEqual(['auth']);
  });

  it('with a different credential reconnects with it on a fresh connection', async () => {
    const { engine, client } = await h.connected({ apiKey: undefined }, { auth: 'first' });
    const events: unknown[] = [];
    client.on('disconnected', (d) => events.push(['disconnected', d.reason]));
    client.on('connected', (c) => events.push(['connected', c.generation]));
    const result = await client.connect('second');
    expect(result.userToken).toBe('second');
    // getConnectionInfo() describes the new session but never hands out its userToken (issue 9, bug 7).
    expect(client.getConnectionInfo().connectResult).toEqual({ ...result, userToken: '***' });
    expect(events).toEqual([
      ['disconnected', 'Reconnecting with a new credential'],
      ['connected', 2],
    ]);
    await client.ping();
    const auths = engine.requests().filter((r) => r.command === 'auth');
    expect(auths.map((r) => r.arguments.auth)).toEqual(['first', 'second']);
    expect(auths[1]!.connectionId).not.toBe(auths[0]!.connectionId);
    await until(() => engine.connectionCount() === 1, 'the old socket to close');
    // Later calls with the new credential, or none, keep the new session.
    expect(await client.connect('second')).toBe(result);
    expect(await client.connect()).toBe(result);
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(2);
  });

  it('with a wrong credential fails with AuthenticationError and ends the old session', async () => {
    const { engine, client } = await h.connected({ apiKey: 'K' });
    const error = (await client.connect('wrong').catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.serverMessage).toBe('Invalid API key');
    expect(engine.requests().at(-1)!.arguments.auth).toBe('wrong');
    expect(client.isConnected()).toBe(false);
    await until(() => engine.connectionCount() === 0, 'the sockets to close');
  });

  it('with a different credential while the first connect is in flight uses the new one', async () => {
    const engine = await h.engine({ apiKey: undefined });
    const client = h.client(engine, { auth: 'first' });
    const firstAttempt = client.connect().catch((e: unknown) => e);
    const result = await client.connect('second');
    expect(result.userToken).toBe('second');
    expect(((await firstAttempt) as { code?: string }).code).toBe('ERR_DISCONNECTED');
    expect(client.isConnected()).toBe(true);
    expect(engine.requests().filter((r) => r.command === 'auth').at(-1)!.arguments.auth).toBe('second');
  });
});
