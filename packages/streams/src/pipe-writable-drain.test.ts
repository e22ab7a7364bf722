import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';
import { countDrains, KiB, opened } from './test-support/backpressure.js';

/**
 * When PipeWritable's own 'drain' comes (the rule "highWaterMark counts what waits behind the batch
 * in flight"): only after write() said "full", once per "full", and only if there is room once the
 * batch took the buffer, i.e. not when the chunks' callbacks refilled it meanwhile, and never
 * after destroy().
 */

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe("PipeWritable's 'drain'", () => {
  it('never comes when write() never said "full"', async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 256 * KiB });
    await opened(sink);
    const drains = countDrains(sink);
    const data = chunks(3, 16 * KiB);
    expect(data.map((c) => sink.write(c))).toEqual([true, true, true]);
    sink.end();
    await once(sink, 'finish');
    expect(drains.count).toBe(0);
    expect(sha256(fx.engine.pipes().at(-1)!.received)).toBe(sha256(data));
  });

  it('comes once per "full": later batches that never filled the buffer bring no other', async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB });
    await opened(sink);
    const drains = countDrains(sink);
    expect(chunks(3, 64 * KiB).map((c) => sink.write(c))).toEqual([true, true, false]);
    await once(sink, 'drain');
    // Two more batches, each well under highWaterMark: write() says true, so no 'drain' is owed.
    for (let i = 0; i < 2; i++) {
      expect(sink.write(Buffer.alloc(KiB, 1))).toBe(true);
      await new Promise((r) => setTimeout(r, 60));
    }
    sink.end();
    await once(sink, 'finish');
    // Ours, while the 128 KiB batch was in flight; Node's own Writable may add one when its buffer
    // empties (length 0), as it does for any stream whose write() said false.
    expect(drains.lengths.filter((length) => length > 0)).toEqual([128 * KiB]);
  });

  it("waits while a chunk's callback refills the buffer behind the batch that just started", async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    await opened(sink);
    const drains = countDrains(sink);
    const refill: boolean[] = [];
    // The first chunk's callback runs right after the next batch (the second chunk) took the buffer,
    // before the 'drain' that batch would bring: 128 KiB now waits behind it, so no room yet.
    expect(
      sink.write(Buffer.alloc(64 * KiB, 1), () => {
        refill.push(sink.write(Buffer.alloc(64 * KiB, 3)), sink.write(Buffer.alloc(64 * KiB, 4)));
      }),
    ).toBe(true);
    expect(sink.write(Buffer.alloc(64 * KiB, 2))).toBe(false);
    await once(sink, 'drain');
    expect(refill).toEqual([false, false]);
    // The drain came only once the refilled 128 KiB became the batch in flight, with nothing behind it.
    expect(drains.lengths[0]).toBe(128 * KiB);
    sink.end();
    await once(sink, 'finish');
  });

  it('never comes after destroy(), even when a batch started just before it', async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    sink.on('error', () => {});
    await opened(sink);
    const drains = countDrains(sink);
    let destroyed = false;
    // The callback runs right after the second chunk's batch started, before the 'drain' it owes.
    sink.write(Buffer.alloc(64 * KiB, 1), () => {
      sink.destroy();
      destroyed = true;
    });
    expect(sink.write(Buffer.alloc(64 * KiB, 2))).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(destroyed).toBe(true);
    expect(drains.count).toBe(0);
  });

  it('write() after destroy() says false even with room in the buffer: the source must not keep writing', async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    sink.on('error', () => {});
    await opened(sink);
    sink.destroy();
    expect(sink.writableLength).toBe(0);
    expect(sink.write(Buffer.alloc(KiB, 1), () => {})).toBe(false);
  });
});
