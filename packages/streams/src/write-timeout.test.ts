import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TimeoutError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';
import { createWritable } from './web-writable.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ops = (f: Fixture, sub: string) => f.engine.requests().filter((r) => r.arguments.subcommand === sub);
const TIMED_OUT = /^The engine did not acknowledge a write to pipe \d+ within 100 ms; the pipe is given up without a close, so the object is not committed$/;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('per-write acknowledgement timeout (writeTimeoutMs)', () => {
  it('pipe(): a write never acknowledged fails the stream with ERR_WRITE_TIMEOUT and sends no close', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const sink = createPipe(fx.client, fx.token, { name: 'no-ack.bin', writeTimeoutMs: 100 });
    const err = await pipeline(Readable.from([Buffer.from('a'), Buffer.from('b')]), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
    expect((err as Error).message).toMatch(TIMED_OUT);
    await expect(sink.result).rejects.toBe(err);
    expect(ops(fx, 'close')).toHaveLength(0);
    expect(fx.engine.pipes().at(-1)?.state).toBe('open');
  });

  it('writable(): the same, through the WHATWG stream', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const stream = createWritable(fx.client, fx.token, { name: 'web-no-ack.bin', writeTimeoutMs: 100 });
    const err = await Readable.toWeb(Readable.from([Buffer.from('a')]))
      .pipeTo(stream as WritableStream)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
    expect((err as Error).message).toMatch(TIMED_OUT);
    expect(ops(fx, 'close')).toHaveLength(0);
  });

  it('does not apply to an open waiting for a free pipe slot (threads: 1)', async () => {
    fx = await startFixture({ threads: 1 });
    const holder = createPipe(fx.client, fx.token, { name: 'holder.bin' });
    await new Promise<void>((resolve, reject) => holder.write(Buffer.from('h'), (e) => (e ? reject(e) : resolve())));
    const waiting = createPipe(fx.client, fx.token, { name: 'waiting.bin', writeTimeoutMs: 40 });
    const errors: Error[] = [];
    waiting.on('error', (e) => errors.push(e));
    await until(() => fx!.engine.tasks().some((t) => t.waitingOpens === 1));
    await new Promise((r) => setTimeout(r, 200)); // five write timeouts: the open must still wait
    expect(errors).toEqual([]);
    expect(waiting.pipeId).toBeUndefined();
    holder.end();
    await pipeline(Readable.from([Buffer.from('w')]), waiting);
    await expect(waiting.result).resolves.toMatchObject({ name: 'waiting.bin' });
  });
});
