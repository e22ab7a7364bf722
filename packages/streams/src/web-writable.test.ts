import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '@rocketride-streams/core';
import { createWritable } from './web-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ops = (f: Fixture) => f.engine.requests().filter((r) => r.command === 'rrext_process').map((r) => String(r.arguments.subcommand));

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

describe('writable(): the signal option', () => {
  it('an abort while close() still flushes writes abandons the pipe: no close is sent', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:write', 150);
    const ac = new AbortController();
    const sink = createWritable(fx.client, fx.token, { name: 'x.bin', signal: ac.signal });
    const writer = sink.getWriter();
    void writer.write(new Uint8Array(1000)).catch(() => {});
    const closing = writer.close();
    closing.catch(() => {});
    await until(() => ops(fx!).includes('write'));
    ac.abort(new Error('user left'));
    await expect(sink.result).rejects.toBeInstanceOf(AbortError);
    await expect(closing).rejects.toBeInstanceOf(AbortError);
    expect(ops(fx!)).not.toContain('close');
    expect(fx.engine.pipes().at(-1)!.state).toBe('open');
  });

  it('a stream that fails lets go of the signal (no listener left on it)', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const sink = createWritable(fx.client, 'no-such-task', { signal: ac.signal });
    await expect(sink.result).rejects.toThrow();
    await expect(sink.getWriter().closed).rejects.toThrow();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
