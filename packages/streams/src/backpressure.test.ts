import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';
import { KiB, lastPipe, MiB, opened, trackPeak, writeSizes } from './test-support/backpressure.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('backpressure: highWaterMark counts what waits behind the write in flight', () => {
  it('write() says "full" only once highWaterMark waits behind the batch being sent', async () => {
    fx = await startFixture({ ackDelayMs: 200 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 256 * KiB });
    await opened(sink);
    const said = chunks(5, 64 * KiB).map((c) => sink.write(c));
    // The first chunk goes out at once; 256 KiB may wait behind it.
    expect(said).toEqual([true, true, true, true, false]);
    expect(sink.writableLength).toBe(320 * KiB);
    sink.destroy();
  });

  it("'drain' comes when the next batch takes the buffer, while that batch is still unacknowledged", async () => {
    fx = await startFixture({ ackDelayMs: 100 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 256 * KiB });
    await opened(sink);
    const data = chunks(5, 64 * KiB);
    for (const c of data) sink.write(c);
    await once(sink, 'drain');
    // Only the first 64 KiB write was acknowledged; the four chunks behind it are one write in flight.
    expect(sink.progress.bytesAcknowledged).toBe(64 * KiB);
    expect(sink.progress.bytesSent).toBe(320 * KiB);
    expect(sink.writableLength).toBe(256 * KiB);
    sink.end();
    await once(sink, 'finish');
    expect(writeSizes(fx)).toEqual([64 * KiB, 256 * KiB]);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it('a fast source against a slow engine sends full batches, not one lone chunk after every pause', async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    const data = chunks(256, 64 * KiB); // 16 MiB
    const sink = createPipe(fx.client, fx.token, { highWaterMark: MiB, maxWriteBytes: MiB });
    let drains = 0;
    let drainsWhileUnacknowledged = 0;
    const seen = trackPeak(sink);
    sink.on('drain', () => {
      drains++;
      // The batch being sent stays in the Writable's buffer until its acknowledgement.
      if (sink.writableLength > 0) drainsWhileUnacknowledged++;
    });
    await pipeline(Readable.from(data), sink);

    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
    const sizes = writeSizes(fx);
    // One lone first chunk, then 1 MiB batches: 17 writes. Draining only when empty made ~32
    // (each pause ended with a chunk sent alone).
    expect(sizes.length).toBeLessThanOrEqual(18);
    expect(sizes.filter((n) => n === MiB).length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MiB);
    // Memory: highWaterMark behind a batch of at most highWaterMark (+ the chunk that filled it).
    expect(seen.peak).toBeLessThanOrEqual(2 * MiB + 64 * KiB);
    expect(drains).toBeGreaterThan(0);
    expect(drainsWhileUnacknowledged).toBeGreaterThanOrEqual(drains - 1); // Node's own 'drain' may end it, at length 0
  });

  it('memory stays within highWaterMark + maxWriteBytes when a batch is larger than one write', async () => {
    fx = await startFixture({ ackDelayMs: 2 });
    const data = chunks(128, 64 * KiB); // 8 MiB
    const sink = createPipe(fx.client, fx.token, { highWaterMark: MiB, maxWriteBytes: 128 * KiB });
    const seen = trackPeak(sink);
    await pipeline(Readable.from(data), sink);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
    expect(Math.max(...writeSizes(fx))).toBeLessThanOrEqual(128 * KiB);
    // highWaterMark + maxWriteBytes + the chunk that crossed the mark; counting the whole batch as in
    // flight would let it reach 2 MiB here.
    expect(seen.peak).toBeLessThanOrEqual(MiB + 128 * KiB + 64 * KiB);
    expect(seen.peak).toBeGreaterThan(MiB); // the source did fill the buffer behind the write in flight
  });

  it('highWaterMark 0 keeps its meaning: every write() says "full" and \'drain\' waits for every acknowledgement', async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 0 });
    await opened(sink);
    const data = chunks(3, 16 * KiB);
    expect(data.map((c) => sink.write(c))).toEqual([false, false, false]);
    await once(sink, 'drain');
    expect(sink.progress.bytesAcknowledged).toBe(48 * KiB);
    expect(sink.writableLength).toBe(0);
    sink.end();
    await once(sink, 'finish');
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it('documents mode counts objects: one document in flight, highWaterMark documents behind it', async () => {
    fx = await startFixture({ ackDelayMs: 100 });
    const sink = createPipe(fx.client, fx.token, { mode: 'documents', highWaterMark: 2 });
    await opened(sink);
    const docs = [{ n: 1 }, { n: 2 }, { n: 3 }];
    expect(docs.map((d) => sink.write(d))).toEqual([true, true, false]);
    await once(sink, 'drain');
    expect(sink.progress.writes).toBe(1); // the first document acknowledged, the other two on their way
    expect(sink.writableLength).toBe(2);
    sink.end();
    await once(sink, 'finish');
    expect(lastPipe(fx).writes).toBe(3); // still one document per write, never merged
  });

  it("no 'drain' after destroy(), and nothing is sent once destroyed: no further write, no close", async () => {
    fx = await startFixture({ ackDelayMs: 100 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB });
    sink.on('error', () => {});
    await opened(sink);
    let drains = 0;
    sink.on('drain', () => drains++);
    expect(chunks(4, 64 * KiB).map((c) => sink.write(c))).toEqual([true, true, false, false]);
    const pipeId = sink.pipeId;
    await vi.waitFor(() => expect(fx!.dataOps(pipeId)).toEqual(['open', 'write'])); // the first chunk is on its way
    sink.destroy();
    expect(sink.write(Buffer.alloc(1))).toBe(false);
    await new Promise((r) => setTimeout(r, 300)); // past the first write's acknowledgement
    expect(drains).toBe(0);
    expect(fx.dataOps(pipeId)).toEqual(['open', 'write']); // the 128 KiB behind it never went out
  });

  it('a write the engine fails rejects the pipeline, sends no close, and no drain follows the failure', async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    // Bytes mode on a text pipe: the engine, not the client, refuses the write holding a 0xff byte.
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', mode: 'bytes', highWaterMark: 128 * KiB, maxWriteBytes: 128 * KiB });
    const data = Array.from({ length: 64 }, () => Buffer.alloc(64 * KiB, 0x61));
    data[20]![100] = 0xff;
    let failed = false;
    let drainsAfterFailure = 0;
    sink.on('error', () => {
      failed = true;
    });
    sink.on('drain', () => {
      if (failed) drainsAfterFailure++;
    });
    await opened(sink);
    const pipeId = sink.pipeId;
    const err = await pipeline(Readable.from(data), sink).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PipeError', code: 'ERR_PIPE_WRITE' });
    await new Promise((r) => setTimeout(r, 50));
    expect(drainsAfterFailure).toBe(0);
    const ops = fx.dataOps(pipeId);
    expect(ops).not.toContain('close');
    // 64 KiB alone, then 128 KiB batches: the 11th write holds the bad byte, and nothing follows it.
    expect(ops.filter((o) => o === 'write').length).toBeLessThanOrEqual(12);
  });
});
