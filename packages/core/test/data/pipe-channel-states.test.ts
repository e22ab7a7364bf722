import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '../../src/client/client.js';
import type { DAPResponse } from '../../src/codec/types.js';
import type { RequestOptions } from '../../src/config/options.js';
import { type DataHost, dataHostOf, type PipeOwner, registerDataHost } from '../../src/data/host.js';
import { PipeChannel } from '../../src/data/pipe-channel.js';
import { ConnectionError, PipeError, ValidationError } from '../../src/errors/index.js';
import { guardProcess } from '../../src/test-helpers/process-guard.js';
import { answer, caught, type Held, holding, stepsReceived, until } from '../helpers/held-steps.js';
import { type RawServer, startRawServer } from '../../src/test-helpers/raw-server.js';

/**
 * PipeChannel's states at their edges, against a raw server that answers each `rrext_process` step
 * only when a test says so: calls out of order (before open, twice, after abandon), the connection
 * guard at a step taken before the channel heard of the loss, the failure callback's `lost` flag,
 * an answer that arrives after abandon(), and the connection-lost listener being given back.
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

/** A client whose `request()` lets a test act between an answer and the caller's reaction to it. */
class SlowCaller extends RocketRideClient {
  beforeAnswer: ((args: Record<string, unknown> | undefined) => void) | undefined;

  override request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>> {
    const reply = super.request<B>(command, args, options);
    const hook = this.beforeAnswer;
    if (hook === undefined) return reply;
    return reply.then((response) => {
      hook(args);
      return response;
    });
  }
}

/** A server that holds every `rrext_process` request until the test answers it. */
async function setup(): Promise<Held> {
  const held: Held = { open: [], write: [], close: [] };
  server = await startRawServer(holding(held));
  client = new SlowCaller({ uri: server.uri, auth: 'K', env: {} });
  await client.connect();
  return held;
}

const steps = (): string[] => stepsReceived(server!);

type Failures = Array<[Error, boolean]>;

function channel(failures?: Failures, owner: PipeOwner = client!): PipeChannel {
  return new PipeChannel(owner, 'TK', { name: 'a.bin' }, 'application/octet-stream', {
    onFailure: failures === undefined ? undefined : (error, lost) => failures.push([error, lost]),
  });
}

async function opened(held: Held, c: PipeChannel, pipeId = 7): Promise<PipeChannel> {
  const opening = c.open();
  await until(() => held.open.length === 1);
  answer(held, 'open', pipeId);
  expect(await opening).toBe(pipeId);
  return c;
}

describe('calls out of order send nothing', () => {
  it('write() and close() before open() are ERR_PIPE_STATE "Pipe not opened"', async () => {
    await setup();
    const c = channel();
    for (const call of [c.write(new Uint8Array([1])), c.close()]) {
      const error = await caught(call);
      expect(error).toBeInstanceOf(PipeError);
      expect(error).toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe not opened' });
    }
    expect(c.state).toBe('new');
    expect(steps()).toEqual([]);
  });

  it('write() and close() while the open is in flight are ERR_PIPE_STATE "Pipe not opened"', async () => {
    const held = await setup();
    const c = channel();
    const opening = c.open();
    await until(() => held.open.length === 1);
    expect(c.state).toBe('opening');
    await expect(c.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe not opened' });
    await expect(c.close()).rejects.toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe not opened' });
    answer(held, 'open');
    expect(await opening).toBe(7);
    expect(steps()).toEqual(['open']);
  });

  it('a second open() is ERR_PIPE_STATE "Pipe already opened", while opening and once open', async () => {
    const held = await setup();
    const c = channel();
    const opening = c.open();
    await until(() => held.open.length === 1);
    const during = await caught(c.open());
    expect(during).toBeInstanceOf(PipeError);
    expect(during).toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe already opened' });
    answer(held, 'open');
    await opening;
    await expect(c.open()).rejects.toMatchObject({ code: 'ERR_PIPE_STATE', message: 'Pipe already opened' });
    expect(c.state).toBe('open');
    expect(steps()).toEqual(['open']);
  });

  it('abandoned before open(): open() rejects with the reason and sends nothing', async () => {
    await setup();
    const failures: Failures = [];
    const c = channel(failures);
    const reason = new Error('gave up');
    c.abandon(reason);
    expect(c.state).toBe('failed');
    expect(c.failure).toBe(reason);
    expect(await caught(c.open())).toBe(reason);
    expect(await caught(c.write(new Uint8Array([1])))).toBe(reason);
    expect(failures).toEqual([]);
    expect(steps()).toEqual([]);
  });

  it('open() with something that is not a client fails the channel with ERR_INVALID_ARGUMENT', async () => {
    const c = new PipeChannel({ generation: 0, isConnected: () => true }, 'TK', {}, 'text/plain');
    const error = await caught(c.open());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'client must be a RocketRideClient' });
    expect(c.state).toBe('failed');
    expect(c.failure).toBe(error);
    expect(await caught(c.open())).toBe(error);
  });
});

describe('the failure callback', () => {
  it('a refused write is reported once with lost = false', async () => {
    const held = await setup();
    const failures: Failures = [];
    const c = await opened(held, channel(failures));
    const writing = caught(c.write(new Uint8Array([1])));
    await until(() => held.write.length === 1);
    held.write.shift()!.ctx.fail('quota');
    const error = await writing;
    expect(failures).toEqual([[error, false]]);
  });

  it('without onFailure, a lost connection fails the channel and reports no listener error', async () => {
    const held = await setup();
    const listenerErrors: unknown[] = [];
    client!.on('listenerError', (e) => listenerErrors.push(e));
    const c = await opened(held, channel());
    for (const ws of server!.sockets) ws.terminate();
    await until(() => c.state === 'failed');
    expect(c.failure).toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    await new Promise((r) => setTimeout(r, 20));
    expect(listenerErrors).toEqual([]);
  });
});

describe('a step taken after the connection ended, before the channel heard of it', () => {
  // Channel A hears of the loss first (it subscribed first); its onFailure acts on channel B, whose
  // own connection-lost listener has not run yet. B's step must find the connection gone by itself.
  async function twoPipes(bFailures: Failures | undefined, act: (b: PipeChannel) => Promise<unknown>) {
    const held = await setup();
    let bStep: Promise<Error & { code?: string }> | undefined;
    let b: PipeChannel | undefined;
    const a = new PipeChannel(client!, 'TK', { name: 'a.bin' }, 'application/octet-stream', {
      onFailure: () => {
        bStep = caught(act(b!));
      },
    });
    await opened(held, a, 1);
    b = await opened(held, channel(bFailures), 2);
    for (const ws of server!.sockets) ws.terminate();
    await until(() => bStep !== undefined);
    return { a, b, error: await bStep! };
  }

  it('a write fails with ERR_CONNECTION_LOST, is not sent, and B reports the loss once, as lost', async () => {
    const failures: Failures = [];
    const { b, error } = await twoPipes(failures, (b) => b.write(new Uint8Array([1])));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    expect(b.state).toBe('failed');
    expect(b.failure).toBe(error);
    await new Promise((r) => setTimeout(r, 20));
    expect(failures).toEqual([[error, true]]);
    expect(steps()).toEqual(['open', 'open']);
  });

  it('a close fails with ERR_CONNECTION_LOST and is not sent (nothing was committed)', async () => {
    const failures: Failures = [];
    const { b, error } = await twoPipes(failures, (b) => b.close());
    expect(error).toMatchObject({
      code: 'ERR_CONNECTION_LOST',
      message: 'The connection this pipe was opened on was lost; the pipe went with it and the object was not committed',
    });
    expect(b.failure).toBe(error);
    await new Promise((r) => setTimeout(r, 20));
    expect(failures).toEqual([[error, true]]);
    expect(steps()).toEqual(['open', 'open']);
  });

  it('after logout() (the socket stays open) a write sends nothing and fails with ERR_CONNECTION_LOST', async () => {
    const held = await setup();
    const failures: Failures = [];
    let bStep: Promise<Error & { code?: string }> | undefined;
    let b: PipeChannel | undefined;
    const a = new PipeChannel(client!, 'TK', {}, 'text/plain', { onFailure: () => (bStep = caught(b!.write(new Uint8Array([1])))) });
    await opened(held, a, 1);
    b = await opened(held, channel(failures), 2);
    await client!.logout().catch(() => undefined);
    const error = await bStep!;
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    expect(failures).toEqual([[error, true]]);
    await new Promise((r) => setTimeout(r, 20));
    expect(steps()).toEqual(['open', 'open']);
  });

  it("B's own lostError is the error, and B needs no onFailure", async () => {
    const mine = new ConnectionError('mine', { code: 'ERR_CONNECTION_LOST' });
    const held = await setup();
    let bStep: Promise<unknown> | undefined;
    const b = new PipeChannel(client!, 'TK', {}, 'text/plain', { lostError: () => mine });
    const a = new PipeChannel(client!, 'TK', {}, 'text/plain', { onFailure: () => (bStep = caught(b.write(new Uint8Array([1])))) });
    await opened(held, a, 1);
    await opened(held, b, 2);
    for (const ws of server!.sockets) ws.terminate();
    await until(() => bStep !== undefined);
    expect(await bStep).toBe(mine);
    expect(b.failure).toBe(mine);
  });
});

describe('an answer that comes back after abandon()', () => {
  it('an open answered just before abandon() leaves the channel failed: open() rejects with the reason', async () => {
    const held = await setup();
    const c = channel();
    const reason = new Error('gave up');
    (client as SlowCaller).beforeAnswer = (args) => {
      if (args?.subcommand === 'open') c.abandon(reason);
    };
    const opening = caught(c.open());
    await until(() => held.open.length === 1);
    answer(held, 'open');
    expect(await opening).toBe(reason);
    expect(c.state).toBe('failed');
    expect(c.pipeId).toBe(7);
    await expect(c.write(new Uint8Array([1]))).rejects.toBe(reason);
    expect(steps()).toEqual(['open']);
  });
});

describe('an abort just before close leaves nothing to wait for', () => {
  it('abandon() right after a close() whose signal was already aborted fails the channel with its reason', async () => {
    const held = await setup();
    const failures: Failures = [];
    const c = await opened(held, channel(failures));
    const ac = new AbortController();
    ac.abort();
    const closing = caught(c.close(ac.signal));
    const reason = new Error('gave up');
    c.abandon(reason);
    expect(c.state).toBe('failed');
    expect(await closing).toBe(reason);
    expect(failures).toEqual([]);
    expect(steps()).toEqual(['open']);
  });
});

describe('the connection-lost listener is given back', () => {
  /** A data host that counts the channel's live connection-lost listeners, delegating the rest to the client's. */
  function counted(): { owner: PipeOwner; live: () => number } {
    const real = dataHostOf(client!);
    let live = 0;
    const owner: PipeOwner = {
      get generation() {
        return real.generation;
      },
      isConnected: () => real.isConnected(),
    };
    const host: DataHost = {
      get generation() {
        return real.generation;
      },
      isConnected: () => real.isConnected(),
      request: (command, args, options) => real.request(command, args, options),
      requestTimeout: real.requestTimeout,
      subscribePipeSse: (token, pipeId, callback, signal) => real.subscribePipeSse(token, pipeId, callback, signal),
      nextChatNumber: () => real.nextChatNumber(),
      dispatchEvent: (event) => real.dispatchEvent(event),
      onConnectionLost: (listener) => {
        live += 1;
        const off = real.onConnectionLost(listener);
        return () => {
          live -= 1;
          off();
        };
      },
    };
    registerDataHost(owner, host);
    return { owner, live: () => live };
  }

  it('once closed', async () => {
    const held = await setup();
    const { owner, live } = counted();
    const c = await opened(held, channel(undefined, owner));
    expect(live()).toBe(1);
    const closing = c.close();
    await until(() => held.close.length === 1);
    answer(held, 'close');
    await closing;
    expect(live()).toBe(0);
  });

  it('once failed', async () => {
    const held = await setup();
    const { owner, live } = counted();
    const c = await opened(held, channel(undefined, owner));
    c.abandon(new Error('gave up'));
    expect(live()).toBe(0);
  });
});
