import { describe, expect, it } from 'vitest';
import { AbortError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

// Each test aborts from a callback the client calls synchronously at one step of connect(), so the
// abort lands exactly between two steps. connectTimeout is long: the abort, not a timeout, must end it.
describe('connect({ signal }) honours an abort at every step', () => {
  it('between the socket opening and the auth request: nothing is sent, the socket is closed', async () => {
    const engine = await h.engine();
    const controller = new AbortController();
    const client = h.client(engine, {
      persist: true,
      reconnectDelay: 5,
      connectTimeout: 10_000,
      onDebugMessage: (line) => {
        if (line === 'socket open, authenticating') controller.abort(new Error('user'));
      },
    });
    const error = (await client.connect(undefined, { signal: controller.signal }).catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('ERR_ABORTED');
    expect(client.isConnected()).toBe(false);
    expect(client.getConnectionInfo().state).toBe('idle');
    await until(() => engine.connectionCount() === 0, 'the socket to close');
    await sleep(30); // persist mode: an aborted connect is not retried
    expect(engine.requests().filter((r) => r.command === 'auth')).toHaveLength(0);
    expect(engine.connectionCount()).toBe(0);
  });

  it('after the auth request went out: the wait for its reply ends at once', async () => {
    const engine = await h.engine();
    engine.faults.withholdResponse('auth');
    const controller = new AbortController();
    const client = h.client(engine, {
      connectTimeout: 10_000,
      onProtocolMessage: (message, direction) => {
        if (direction === 'send' && message.type === 'request' && message.command === 'auth') controller.abort();
      },
    });
    const error = (await client.connect(undefined, { signal: controller.signal }).catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(client.getConnectionInfo().pendingRequests).toBe(0);
    await until(() => engine.connectionCount() === 0, 'the socket to close');
  });

  it('while the auth reply is being received: connect fails rather than succeeding', async () => {
    const engine = await h.engine();
    const controller = new AbortController();
    const client = h.client(engine, {
      onProtocolMessage: (message, direction) => {
        if (direction === 'receive' && message.type === 'response' && message.command === 'auth') controller.abort();
      },
    });
    const error = (await client.connect(undefined, { signal: controller.signal }).catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(client.isConnected()).toBe(false);
    expect(client.generation).toBe(0);
    await until(() => engine.connectionCount() === 0, 'the socket to close');
  });
});
