import { Readable } from 'node:stream';
import type { PipelineResult } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, sha256, startFixture } from './test-support/fixture.js';
import { upload } from './upload.js';
import { createWritable } from './web-writable.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

describe('random aborts over 30 uploads (seeded)', () => {
  it('"not committed" is only said of objects the engine did not commit; the rest is committed or labelled unknown', async () => {
    const seed = 20_250_601;
    const random = seeded(seed);
    fx = await startFixture({ ackDelayMs: 4 });
    fx.engine.faults.delayResponse('rrext_process:close', 20);
    const counts = { committed: 0, notCommitted: 0, unknown: 0 };
    for (let i = 0; i < 30; i++) {
      const name = `r${i}.bin`;
      const data = bytes(random, 1 + Math.floor(random() * 96 * 1024));
      const parts = [data.subarray(0, data.length >> 1), data.subarray(data.length >> 1)];
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), Math.floor(random() * 60));
      const options = { name, signal: ac.signal, maxWriteBytes: 16 * 1024 };
      let run: Promise<PipelineResult>;
      if (i % 2 === 0) run = upload(fx.client, fx.token, Readable.from(parts), options);
      else {
        const sink = createWritable(fx.client, fx.token, options);
        run = Readable.toWeb(Readable.from(parts))
          .pipeTo(sink as WritableStream)
          .then(() => sink.result);
      }
      const outcome = await run.then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error: error as Error & { code?: string } }),
      );
      clearTimeout(timer);
      const record = fx.engine.pipes().find((p) => p.object.name === name);
      const where = `seed ${seed}, upload ${i}`;
      if (outcome.error === undefined) {
        counts.committed++;
        expect(record?.state, where).toBe('closed');
        expect(sha256(record!.received), where).toBe(sha256(data));
        expect(outcome.result?.name, where).toBe(name);
      } else if (outcome.error.code === 'ERR_COMMIT_UNKNOWN') {
        counts.unknown++;
        expect(outcome.error.message, where).toMatch(/may or may not have been committed/);
      } else {
        counts.notCommitted++;
        expect(outcome.error.code, `${where}: ${outcome.error.message}`).toBe('ERR_ABORTED');
        expect(outcome.error.message, where).toMatch(/not committed|before it opened/);
        expect(record?.state ?? 'never opened', where).not.toBe('closed');
      }
    }
    expect(counts.committed + counts.notCommitted + counts.unknown).toBe(30);
    expect(counts.committed).toBeGreaterThan(0);
    expect(counts.notCommitted).toBeGreaterThan(0);
  });
});
