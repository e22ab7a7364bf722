import { PipeError, type RocketRideClient, TimeoutError } from '@rocketride-streams/core';
import { dataHostOf } from '@rocketride-streams/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { type PipeOptions, type PipeProgress, resolvePipeOptions } from './options.js';
import { PipeSession } from './session.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

/**
 * PipeSession's bounds and clocks against the simulator: when text is sent (a full segment at once,
 * held-back text after idleFlushMs, never half a character), what a failed idle flush does, and that
 * a session lets go of the client whatever way it ends.
 */

let fx: Fixture | undefined;
let live = 0;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/**
 * Counts the subscriptions to the client's connection-lost hook (how a session's pipe learns of a
 * lost connection) that are still live, in `live`: a session must let go of it however it ends.
 */
function countLossListeners(client: RocketRideClient): void {
  live = 0;
  const host = dataHostOf(client);
  const subscribe = host.onConnectionLost;
  (host as { onConnectionLost: typeof subscribe }).onConnectionLost = (listener) => {
    live++;
    const unsubscribe = subscribe(listener);
    let done = false;
    return () => {
      if (!done) live--;
      done = true;
      unsubscribe();
    };
  };
}

/** Live hook subscriptions; the session never listens to the public 'disconnected' event. */
function lossListeners(): number {
  expect(fx!.client.listenerCount('disconnected')).toBe(0);
  return live;
}

async function session(options: PipeOptions = {}, onProgress?: (p: PipeProgress) => void) {
  if (fx === undefined) {
    fx = await startFixture();
    countLossListeners(fx.client);
  }
  return new PipeSession(fx.client, fx.token, resolvePipeOptions({ idleFlushMs: 0, ...options }), onProgress);
}

const writeSizes = (f: Fixture) => f.engine.requests().filter((r) => r.arguments.subcommand === 'write').map((r) => r.dataBytes);
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await tick(5);
  }
}

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error & { code?: string },
  );

describe('text mode sends a segment as soon as one is complete', () => {
  it('exactly maxWriteBytes of text held is sent at once, before finish', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 8 });
    await s.open();
    await s.writeBytes([Buffer.from('abcdefgh')]);
    expect(writeSizes(fx!)).toEqual([8]);
    await s.finish();
    expect(writeSizes(fx!)).toEqual([8]);
  });

  it('the first bytes of a character filling maxWriteBytes are held until the character is complete', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 2 });
    await s.open();
    const euro = Buffer.from('€');
    await s.writeBytes([euro.subarray(0, 2)]);
    expect(writeSizes(fx!)).toEqual([]);
    await s.writeBytes([euro.subarray(2)]);
    expect(writeSizes(fx!)).toEqual([3]);
    await s.finish();
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('€');
  });
});

describe('idle flush of held-back text (idleFlushMs)', () => {
  it('text held while the source is quiet is sent after idleFlushMs, and again after the next quiet spell', async () => {
    const s = await session({ mode: 'text', idleFlushMs: 30 });
    await s.open();
    await s.writeBytes([Buffer.from('abc')]);
    expect(writeSizes(fx!)).toEqual([]); // held back: far less than a segment
    await until(() => s.progress.writes === 1);
    await s.writeBytes([Buffer.from('de')]);
    await until(() => s.progress.writes === 2);
    expect(writeSizes(fx!)).toEqual([3, 2]);
    await s.finish();
    expect(writeSizes(fx!)).toEqual([3, 2]);
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('abcde');
  });

  it('only the complete characters are flushed; the start of a character waits for the rest, with no empty write', async () => {
    const s = await session({ mode: 'text', idleFlushMs: 20 });
    await s.open();
    const euro = Buffer.from('€');
    await s.writeBytes([Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)])]);
    await until(() => s.progress.writes === 1);
    await tick(150); // several idle periods with only part of a character held
    expect(writeSizes(fx!)).toEqual([1]);
    await s.writeBytes([euro.subarray(1)]);
    await until(() => s.progress.writes === 2);
    expect(writeSizes(fx!)).toEqual([1, 3]);
    await s.finish();
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('a€');
  });

  it('an idle flush whose ack never comes tells the owner once (ERR_WRITE_TIMEOUT), fails the session and sends no close', async () => {
    const s = await session({ mode: 'text', idleFlushMs: 20, writeTimeoutMs: 60 });
    const reasons: Error[] = [];
    s.onAbandon = (reason) => reasons.push(reason);
    await s.open();
    fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    await s.writeBytes([Buffer.from('held')]);
    await until(() => reasons.length > 0);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TimeoutError);
    expect(reasons[0]).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
    expect(reasons[0]!.message).toMatch(/^The engine did not acknowledge a write to pipe \d+ within 60 ms;/);
    await expect(s.writeBytes([Buffer.from('more')])).rejects.toBe(reasons[0]);
    await expect(s.finish()).rejects.toBe(reasons[0]);
    expect(fx!.dataOps()).toEqual(['open', 'write']);
    expect(lossListeners()).toBe(0);
  });

  it('the idle clock starts when text is held, not when the pipe opened', async () => {
    // Deterministic: setTimeout never fires early, and timers run in order of expiry. A clock started
    // at open would expire at open+300 ms, before the check at (write ≥ open+200) + 150 ms; the real
    // one expires at write+300 ms, after it.
    const s = await session({ mode: 'text', idleFlushMs: 300 });
    await s.open();
    await tick(200);
    await s.writeBytes([Buffer.from('late text')]);
    await tick(150);
    expect(s.progress.bytesSent).toBe(0);
    await until(() => s.progress.writes === 1);
    expect(writeSizes(fx!)).toEqual([9]);
  });

  it('overlapping writeBytes calls still put one write on the wire at a time, even when the idle clock runs out meanwhile', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 8, idleFlushMs: 20 });
    await s.open();
    fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const first = s.writeBytes([Buffer.from('abcdefgh')]).catch((e: unknown) => e); // a full segment: sent at once, never acknowledged
    await until(() => writeSizes(fx!).length === 1);
    await s.writeBytes([Buffer.from('xy')]); // held; its idle clock runs out many times while the first write waits
    await tick(300);
    expect(writeSizes(fx!)).toEqual([8]);
    const reason = new Error('done waiting');
    s.abandon(reason, false);
    expect(await first).toBe(reason);
    expect(writeSizes(fx!)).toEqual([8]);
  });

  it('an idle flush that fails with no owner listening is no unhandled rejection; the next call reports it', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const s = await session({ mode: 'text', idleFlushMs: 20, writeTimeoutMs: 60 });
      await s.open();
      fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
      await s.writeBytes([Buffer.from('held')]);
      await until(() => writeSizes(fx!).length === 1);
      const error = await caught(s.finish());
      expect(error).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
      await tick(20);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  });

  it('a write of the owner while an idle flush is in flight waits for it: one write at a time, in order', async () => {
    const s = await session({ mode: 'text', idleFlushMs: 20 });
    await s.open();
    fx!.engine.faults.delayResponse('rrext_process:write', 100, { times: 1 });
    await s.writeBytes([Buffer.from('first ')]);
    await until(() => writeSizes(fx!).length === 1); // the idle flush is on its way, its ack delayed
    await s.writeBytes([Buffer.from('second')]);
    expect(s.progress.writes).toBe(1); // the flush was acknowledged before this write went on
    await s.finish();
    expect(writeSizes(fx!)).toEqual([6, 6]);
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('first second');
  });
});

describe('open', () => {
  it('sends the provider with the open when given', async () => {
    const s = await session({ name: 'a.txt', provider: 'webhook' });
    await s.open();
    const open = fx!.engine.requests().find((r) => r.arguments.subcommand === 'open')!;
    expect(open.arguments.provider).toBe('webhook');
  });

  it('while the open is in flight, a second open or a write is refused naming the state "opening"', async () => {
    const s = await session();
    fx!.engine.faults.delayResponse('rrext_process:open', 100, { times: 1 });
    const opening = s.open();
    await expect(s.open()).rejects.toThrow('open() called in state opening');
    await expect(s.writeBytes([Buffer.from('x')])).rejects.toThrow('pipe is not open (state opening)');
    await opening;
    expect(fx!.dataOps()).toEqual(['open']);
  });

  it('progress has no total when the size is unknown', async () => {
    const seen: PipeProgress[] = [];
    const s = await session({ name: 'n.bin' }, (p) => seen.push(p));
    expect('total' in s.progress).toBe(false);
    await s.open();
    expect(seen).toHaveLength(1);
    expect('total' in seen[0]!).toBe(false);
  });

  it('an open the engine refuses fails every later call with that error, and leaves no listener on the client', async () => {
    fx = await startFixture();
    countLossListeners(fx.client);
    const s = new PipeSession(fx.client, 'no-such-task', resolvePipeOptions({}));
    const error = await caught(s.open());
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_TASK_NOT_FOUND' });
    await expect(s.writeBytes([Buffer.from('x')])).rejects.toBe(error);
    await expect(s.finish()).rejects.toBe(error);
    expect(lossListeners()).toBe(0);
  });
});

describe('a session lets go of the client however it ends', () => {
  it('finished: no listener is left, and a later abandon changes nothing', async () => {
    const s = await session();
    let told = 0;
    s.onAbandon = () => told++;
    await s.open();
    expect(lossListeners()).toBe(1);
    await s.writeBytes([Buffer.from('x')]);
    await s.finish();
    expect(lossListeners()).toBe(0);
    s.abandon(new Error('too late'));
    expect(told).toBe(0);
    await expect(s.writeBytes([Buffer.from('y')])).rejects.toThrow('pipe is not open (state closed)');
  });

  it('abandoned by its owner: no listener is left', async () => {
    const s = await session();
    await s.open();
    s.abandon(new Error('owner gave up'), false);
    expect(lossListeners()).toBe(0);
  });

  it('failed: a later abandon does not tell the owner again, and the session does not count as closing', async () => {
    const s = await session({ writeTimeoutMs: 40 });
    const told: Error[] = [];
    s.onAbandon = (reason) => told.push(reason);
    await s.open();
    fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const error = await caught(s.writeBytes([Buffer.from('x')]));
    s.abandon(new Error('owner gives up too'));
    expect(told).toEqual([]);
    expect(s.closing).toBe(false);
    await expect(s.finish()).rejects.toBe(error);
  });

  it('failed by a write: no listener is left', async () => {
    const s = await session({ writeTimeoutMs: 40 });
    await s.open();
    fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    await caught(s.writeBytes([Buffer.from('x')]));
    expect(lossListeners()).toBe(0);
  });
});
