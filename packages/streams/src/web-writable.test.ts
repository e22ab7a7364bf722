import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { createWritable } from './web-writable.js';

/** The echo pipeline under a project of this file's own. */
const PIPELINE = { ...ECHO_PIPELINE, project_id: 'b7b0a7f2-6a0c-4b59-9d57-3c1b0d3e5a11' };

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
afterEach(async () => {
  await client?.disconnect().catch(() => {});
  await engine?.close();
  client = undefined;
  engine = undefined;
});

async function setup(): Promise<{ engine: Engine; client: RocketRideClient; token: string }> {
  engine = await startEngine();
  client = new RocketRideClient({ uri: engine.uri, auth: 'k', env: {} });
  await client.connect();
  const task = await client.use({ pipeline: PIPELINE, token: `web-${process.pid}` });
  return { engine, client, token: task.token };
}

const ops = (e: Engine) => e.requests().filter((r) => r.command === 'rrext_process').map((r) => String(r.arguments.subcommand));

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

describe('writable(): the signal option', () => {
  it('an abort while close() still flushes writes abandons the pipe: no close is sent', async () => {
    const fx = await setup();
    fx.engine.faults.delayResponse('rrext_process:write', 150);
    const ac = new AbortController();
    const sink = createWritable(fx.client, fx.token, { name: 'x.bin', signal: ac.signal });
    const writer = sink.getWriter();
    void writer.write(new Uint8Array(1000)).catch(() => {});
    const closing = writer.close();
    closing.catch(() => {});
    await until(() => ops(fx.engine).includes('write'));
    ac.abort(new Error('user left'));
    await expect(sink.result).rejects.toBeInstanceOf(AbortError);
    await expect(closing).rejects.toBeInstanceOf(AbortError);
    expect(ops(fx.engine)).not.toContain('close');
    expect(fx.engine.pipes().at(-1)!.state).toBe('open');
  });

  it('a stream that fails lets go of the signal (no listener left on it)', async () => {
    const fx = await setup();
    const ac = new AbortController();
    const sink = createWritable(fx.client, 'no-such-task', { signal: ac.signal });
    await expect(sink.result).rejects.toThrow();
    await expect(sink.getWriter().closed).rejects.toThrow();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
