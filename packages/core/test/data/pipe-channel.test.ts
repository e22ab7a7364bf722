import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '../../src/client/client.js';
import { PipeChannel } from '../../src/data/pipe-channel.js';
import { AbortError, ConnectionError, PipeError } from '../../src/errors/index.js';
import { guardProcess } from '../../src/test-helpers/process-guard.js';
import { answer, caught, type Held, holding, stepsReceived, until } from '../helpers/held-steps.js';
import { type RawServer, startRawServer } from '../../src/test-helpers/raw-server.js';

/**
 * PipeChannel, the one state machine of a data pipe, against a raw server that answers each
 * `rrext_process` step only when a test says so: one write in flight with the rest queued, loss of
 * the connection (told at once by the client's hook, nothing sent after it), and abandon()/abort at
 * each step.
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

afterEach(async () => {
  await client?.disconnect();
  await server?.close();
  client = undefined;
  server = undefined;
});

/** A server that holds every `rrext_process` request until the test answers it (`answer()`). */
async function setup(clientOptions: { persist?: boolean } = {}) {
  const held: Held = { open: [], write: [], close: [] };
  server = await startRawServer(holding(held));
  client = new RocketRideClient({ uri: server.uri, auth: 'K', env: {}, reconnectDelay: 5, maxReconnectDelay: 5, ...clientOptions });
  await client.connect();
  return held;
}

const steps = (): string[] => stepsReceived(server!);

function channel(failures: Array<[Error, boolean]> = []): PipeChannel {
  return new PipeChannel(client!, 'TK', { name: 'a.bin' }, 'application/octet-stream', {
    onFailure: (error, lost) => failures.push([error, lost]),
  });
}

async function opened(held: Held, failures?: Array<[Error, boolean]>): Promise<PipeChannel> {
  const c = channel(failures);
  const opening = c.open();
  await until(() => held.open.length === 1);
  answer(held, 'open');
  expect(await opening).toBe(7);
  return c;
}

describe('one write in flight', () => {
  it('writes made while one is in flight queue behind it and go out one by one, in order, each on the previous ack', async () => {
    const held = await setup();
    const c = await opened(held);
    const settled: number[] = [];
    const writes = [1, 2, 3].map((n) => c.write(new Uint8Array([n])).then(() => settled.push(n)));
    await until(() => held.write.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(steps()).toEqual(['open', 'write']);
    answer(held, 'write');
    await until(() => held.write.length === 1 && settled.length === 1);
    expect(steps()).toEqual(['open', 'write', 'write']);
    answer(held, 'write');
    await until(() => held.write.length === 1 && settled.length === 2);
    answer(held, 'write');
    await Promise.all(writes);
    expect(settled).toEqual([1, 2, 3]);
    const sent = server!.received.filter((r) => r.arguments?.subcommand === 'write').map((r) => [...(r.arguments!.data as Uint8Array)]);
    expect(sent).toEqual([[1], [2], [3]]);
  });

  it('a close asked for while writes are queued goes out only after the last acknowledgement', async () => {
    const held = await setup();
    const c = await opened(held);
    const w1 = c.write(new Uint8Array([1]));
    const w2 = c.write(new Uint8Array([2]));
    const closing = c.close();
    expect(c.state).toBe('closing');
    await expect(c.write(new Uint8Array([3]))).rejects.toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe is closed' });
    await until(() => held.write.length === 1);
    answer(held, 'write');
    await until(() => held.write.length === 1);
    expect(steps()).toEqual(['open', 'write', 'write']);
    answer(held, 'write');
    await until(() => held.close.length === 1);
    answer(held, 'close');
    await Promise.all([w1, w2]);
    expect(await closing).toMatchObject({ name: 'a.bin', objectId: 'o1' });
    expect(c.state).toBe('closed');
    expect(steps()).toEqual(['open', 'write', 'write', 'close']);
  });

  it('a refused write fails the queued ones and the close with its error; close is never sent', async () => {
    const held = await setup();
    const c = await opened(held);
    const w1 = caught(c.write(new Uint8Array([1])));
    const w2 = caught(c.write(new Uint8Array([2])));
    const closing = caught(c.close());
    await until(() => held.write.length === 1);
    held.write.shift()!.ctx.fail('quota');
    const error = await w1;
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_PIPE_WRITE', message: 'Failed to write to a data pipe: quota' });
    expect(await w2).toBe(error);
    expect(await closing).toBe(error);
    expect(c.failure).toBe(error);
    expect(steps()).toEqual(['open', 'write']);
  });
});

describe('the connection guard', () => {
  it('a connection lost while the pipe is idle fails it at once through the hook, and nothing is sent after the reconnect', async () => {
    const held = await setup({ persist: true });
    const failures: Array<[Error, boolean]> = [];
    const c = await opened(held, failures);
    for (const ws of server!.sockets) ws.terminate();
    await until(() => failures.length === 1);
    const [error, lost] = failures[0]!;
    expect(lost).toBe(true);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      code: 'ERR_CONNECTION_LOST',
      message: 'The connection this pipe was opened on was lost; the pipe went with it and the object was not committed',
    });
    expect(c.state).toBe('failed');
    await until(() => client!.isConnected());
    await expect(c.write(new Uint8Array([1]))).rejects.toBe(error);
    await expect(c.close()).rejects.toBe(error);
    expect(steps()).toEqual(['open']);
    expect(failures).toHaveLength(1);
    expect(client!.listenerCount('disconnected')).toBe(0);
  });

  it('logout() ends the pipe at once with the channel\'s own lost error (lostError), though the socket stays open', async () => {
    const held = await setup();
    const failures: Array<[Error, boolean]> = [];
    const mine = new ConnectionError('mine', { code: 'ERR_CONNECTION_LOST' });
    const c = new PipeChannel(client!, 'TK', { name: 'a.bin' }, 'application/octet-stream', {
      onFailure: (error, lost) => failures.push([error, lost]),
      lostError: () => mine,
    });
    const opening = c.open();
    await until(() => held.open.length === 1);
    answer(held, 'open');
    await opening;
    server!.received.length = 0;
    const logout = client!.logout();
    expect(failures).toEqual([[mine, true]]);
    await logout.catch(() => undefined);
    await expect(c.write(new Uint8Array([1]))).rejects.toBe(mine);
    expect(steps()).toEqual([]);
  });

  it('a connection lost while close is in flight is ERR_COMMIT_UNKNOWN, never "not committed"', async () => {
    const held = await setup();
    const c = await opened(held);
    const closing = caught(c.close());
    await until(() => held.close.length === 1);
    for (const ws of server!.sockets) ws.terminate();
    const error = await closing;
    expect(error).toBeInstanceOf(PipeError);
    expect(error.code).toBe('ERR_COMMIT_UNKNOWN');
    expect(error.message).toMatch(/^The close of pipe 7 was sent but the connection was lost before its answer \(.+\); the object may or may not have been committed$/);
    expect(c.failure).toBe(error);
  });
});

describe('abandon() never sends close and cancels what is in flight', () => {
  it('during open: the open is given up at once, and a late answer leaves the pipe unused', async () => {
    const held = await setup();
    const failures: Array<[Error, boolean]> = [];
    const c = channel(failures);
    const opening = caught(c.open());
    await until(() => held.open.length === 1);
    const reason = new Error('gave up');
    c.abandon(reason);
    expect(await opening).toBe(reason);
    answer(held, 'open');
    await new Promise((r) => setTimeout(r, 20));
    expect(c.state).toBe('failed');
    await expect(c.write(new Uint8Array([1]))).rejects.toBe(reason);
    expect(steps()).toEqual(['open']);
    expect(failures).toEqual([]);
  });

  it('during a write: that write and the queued ones reject with the reason at once; nothing more is sent', async () => {
    const held = await setup();
    const c = await opened(held);
    const w1 = caught(c.write(new Uint8Array([1])));
    const w2 = caught(c.write(new Uint8Array([2])));
    await until(() => held.write.length === 1);
    const reason = new Error('gave up');
    c.abandon(reason);
    expect(await w1).toBe(reason);
    expect(await w2).toBe(reason);
    answer(held, 'write');
    await expect(c.close()).rejects.toBe(reason);
    await new Promise((r) => setTimeout(r, 20));
    expect(steps()).toEqual(['open', 'write']);
  });

  it('with close queued behind a write: the close is never sent', async () => {
    const held = await setup();
    const c = await opened(held);
    const w1 = caught(c.write(new Uint8Array([1])));
    const closing = caught(c.close());
    await until(() => held.write.length === 1);
    const reason = new Error('gave up');
    c.abandon(reason);
    expect(await closing).toBe(reason);
    expect(await w1).toBe(reason);
    answer(held, 'write');
    await new Promise((r) => setTimeout(r, 20));
    expect(steps()).toEqual(['open', 'write']);
  });

  it('once close was sent it only bounds the wait: the answer that comes is the outcome', async () => {
    const held = await setup();
    const c = await opened(held);
    const closing = c.close();
    await until(() => held.close.length === 1);
    c.abandon(new Error('gave up'));
    expect(c.state).toBe('closing');
    answer(held, 'close');
    expect(await closing).toMatchObject({ name: 'a.bin' });
    expect(c.state).toBe('closed');
  });
});

describe('the caller\'s signal', () => {
  it('passed to every step, it still cancels the one in flight: that write rejects ERR_ABORTED and the queued one with it', async () => {
    const held = await setup();
    const c = channel();
    const ac = new AbortController();
    const opening = c.open(ac.signal);
    await until(() => held.open.length === 1);
    answer(held, 'open');
    await opening;
    const w1 = c.write(new Uint8Array([1]), ac.signal);
    await until(() => held.write.length === 1);
    answer(held, 'write');
    await w1;
    const w2 = caught(c.write(new Uint8Array([2]), ac.signal));
    const w3 = caught(c.write(new Uint8Array([3]), ac.signal));
    await until(() => held.write.length === 1);
    ac.abort();
    const error = await w2;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Request "rrext_process" was aborted' });
    expect(await w3).toBe(error);
    await expect(c.close(ac.signal)).rejects.toBe(error);
    expect(steps()).toEqual(['open', 'write', 'write']);
  });
});

describe('an abort before close is sent sends nothing', () => {
  it('close() with an aborted signal: ERR_ABORTED, no close on the wire', async () => {
    const held = await setup();
    const c = await opened(held);
    const ac = new AbortController();
    ac.abort();
    const error = await caught(c.close(ac.signal));
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({
      code: 'ERR_ABORTED',
      message: 'The close of pipe 7 was aborted before it was sent; the object was not committed',
    });
    expect(steps()).toEqual(['open']);
  });

  it('a close queued behind a write whose signal aborts meanwhile is never sent', async () => {
    const held = await setup();
    const c = await opened(held);
    const w1 = c.write(new Uint8Array([1]));
    const ac = new AbortController();
    const closing = caught(c.close(ac.signal));
    await until(() => held.write.length === 1);
    ac.abort();
    answer(held, 'write');
    await w1;
    expect(await closing).toMatchObject({ code: 'ERR_ABORTED' });
    expect(steps()).toEqual(['open', 'write']);
  });
});
