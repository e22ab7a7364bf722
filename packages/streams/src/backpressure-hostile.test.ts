import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';
import { countDrains, KiB, lastPipe, MiB, opened, writeSizes } from './test-support/backpressure.js';

// The early 'drain' of PipeWritable (highWaterMark counts what waits behind the write in flight)
// against the Node stream contracts its users rely on. backpressure.test.ts holds the basic cases.

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe("the early 'drain' keeps Node's own flag in step", () => {
  it("writableNeedDrain is false once 'drain' was emitted, while the batch that took the buffer is unacknowledged", async () => {
    fx = await startFixture({ ackDelayMs: 150 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB });
    await opened(sink);
    for (const c of chunks(4, 64 * KiB)) sink.write(c);
    expect(sink.writableNeedDrain).toBe(true);
    await once(sink, 'drain');
    expect(sink.progress.bytesAcknowledged).toBe(64 * KiB); // the 192 KiB batch is still on its way
    expect(sink.writableNeedDrain).toBe(false);
    sink.destroy();
  });

  it("a source piped right after the early 'drain' starts flowing at once instead of waiting for every acknowledgement", async () => {
    fx = await startFixture({ ackDelayMs: 150 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB });
    await opened(sink);
    const first = chunks(4, 64 * KiB);
    for (const c of first) sink.write(c);
    await once(sink, 'drain');
    const second = chunks(1, 64 * KiB);
    const source = Readable.from(second);
    source.pipe(sink);
    // Readable.pipe() pauses a source when the sink says it needs a drain.
    expect(source.readableFlowing).toBe(true);
    await once(source, 'end');
    expect(sink.writableLength).toBe(256 * KiB); // taken in behind the 192 KiB write, still on its way
    expect(sink.progress.bytesAcknowledged).toBe(64 * KiB);
    await once(sink, 'finish');
    expect(sha256(lastPipe(fx).received)).toBe(sha256([...first, ...second]));
  });

  it('Writable.toWeb(sink) loses no chunk: the adapter skips write() while writableNeedDrain says full', async () => {
    fx = await startFixture({ ackDelayMs: 10 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB, maxWriteBytes: 128 * KiB });
    const data = chunks(48, 16 * KiB);
    await Readable.toWeb(Readable.from(data)).pipeTo(Writable.toWeb(sink) as WritableStream<Uint8Array>);
    await sink.result;
    expect(lastPipe(fx).received.length).toBe(48 * 16 * KiB);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it("one 'drain' for each write() that said false: none when the buffer empties later, none for a lone big chunk", async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB, maxWriteBytes: 256 * KiB });
    const drains = countDrains(sink);
    await opened(sink);
    // A chunk of one write (over highWaterMark, within maxWriteBytes) into an idle sink goes out at once:
    // nothing waits behind it.
    const big = chunks(1, 256 * KiB)[0]!;
    expect(sink.write(big)).toBe(true);
    expect(sink.writableNeedDrain).toBe(false);
    // A chunk of two writes: its second write waits behind the first, over highWaterMark, and its
    // 'drain' is Node's own once the chunk is acknowledged: still one.
    const bigger = chunks(1, 512 * KiB)[0]!;
    await vi.waitFor(() => expect(sink.writableLength).toBe(0));
    let falses = 0;
    if (!sink.write(bigger)) {
      falses++;
      await once(sink, 'drain');
    }
    expect(falses).toBe(1);
    // Then the usual loop: write until false, wait for 'drain'.
    const data = chunks(40, 32 * KiB);
    for (const c of data) {
      if (!sink.write(c)) {
        falses++;
        await once(sink, 'drain');
      }
    }
    await vi.waitFor(() => expect(sink.writableLength).toBe(0)); // every byte acknowledged: Node's own chance to drain
    await new Promise((r) => setImmediate(r));
    expect(falses).toBeGreaterThan(2);
    expect(drains.count).toBe(falses);
    sink.end();
    await once(sink, 'finish');
    expect(sha256(lastPipe(fx).received)).toBe(sha256([big, bigger, ...data]));
  });

  it("no 'drain' once end() was called, even when the batch that takes the buffer starts after it", async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    const drains = countDrains(sink);
    await opened(sink);
    const data = chunks(3, 64 * KiB);
    expect(data.map((c) => sink.write(c))).toEqual([true, false, false]);
    sink.end();
    await once(sink, 'finish');
    expect(drains.count).toBe(0);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });
});

describe('the early drain against the rest of the Writable contract', () => {
  it("cork(): the acknowledgement of the write in flight starts nothing and emits no 'drain'; uncork() sends one write, then 'drain'", async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 128 * KiB });
    const drains = countDrains(sink);
    await opened(sink);
    const data = chunks(4, 64 * KiB);
    expect(sink.write(data[0])).toBe(true); // on its way
    sink.cork();
    expect(data.slice(1).map((c) => sink.write(c))).toEqual([true, false, false]);
    await vi.waitFor(() => expect(sink.progress.bytesAcknowledged).toBe(64 * KiB));
    await new Promise((r) => setTimeout(r, 20));
    expect(drains.count).toBe(0);
    expect(writeSizes(fx)).toEqual([64 * KiB]);
    sink.uncork();
    await once(sink, 'drain');
    expect(sink.progress.bytesAcknowledged).toBe(64 * KiB); // the 192 KiB write is on its way
    sink.end();
    await once(sink, 'finish');
    expect(writeSizes(fx)).toEqual([64 * KiB, 192 * KiB]);
    expect(drains.count).toBe(1);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it("destroy() between the start of a batch and its 'drain': no 'drain', and the batch never goes out", async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    sink.on('error', () => {});
    const drains = countDrains(sink);
    await opened(sink);
    const pipeId = sink.pipeId;
    sink.cork();
    expect(chunks(2, 64 * KiB).map((c) => sink.write(c))).toEqual([false, false]);
    sink.uncork(); // the batch takes the buffer now, synchronously; its 'drain' would come next tick
    sink.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(drains.count).toBe(0);
    expect(fx.dataOps(pipeId)).toEqual(['open']);
  });

  it("a writer that writes from inside its 'drain' listener (the Node docs' loop) delivers every chunk in order", async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 96 * KiB, maxWriteBytes: 128 * KiB });
    const drains = countDrains(sink);
    const data = chunks(64, 16 * KiB);
    let i = 0;
    let falses = 0;
    const writeMore = (): void => {
      while (i < data.length) {
        if (!sink.write(data[i++])) {
          falses++;
          sink.once('drain', writeMore);
          return;
        }
      }
      sink.end();
    };
    writeMore();
    await once(sink, 'finish');
    expect(falses).toBeGreaterThan(2);
    expect(drains.count).toBe(falses);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
    expect(Math.max(...writeSizes(fx))).toBeLessThanOrEqual(128 * KiB);
  });

  it('a chunk larger than highWaterMark and maxWriteBytes goes out in maxWriteBytes writes, and its drain waits for all of them', async () => {
    fx = await startFixture({ ackDelayMs: 30 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB, maxWriteBytes: 256 * KiB });
    const drains = countDrains(sink);
    await opened(sink);
    const [small, huge] = [chunks(1, 16 * KiB)[0]!, chunks(1, MiB)[0]!];
    expect(sink.write(small)).toBe(true);
    expect(sink.write(huge)).toBe(false);
    await once(sink, 'drain');
    // The 1 MiB chunk was the next batch: four writes, one at a time, each acknowledged before the next.
    // Only one write of it is in flight at a time, so the rest counted as waiting until the last ack
    // (memory stays within highWaterMark + maxWriteBytes + the chunk).
    expect(sink.progress.bytesAcknowledged).toBe(16 * KiB + MiB);
    expect(sink.write(small)).toBe(true);
    sink.end();
    await once(sink, 'finish');
    expect(writeSizes(fx)).toEqual([16 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, 256 * KiB, 16 * KiB]);
    expect(drains.count).toBe(1);
    expect(sha256(lastPipe(fx).received)).toBe(sha256([small, huge, small]));
  });

  it('string chunks are counted in the bytes they encode to, whatever the encoding', async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    // One byte over 64 KiB: the chunk behind the write in flight fits, a second one does not.
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB + 1 });
    await opened(sink);
    const data = chunks(3, 64 * KiB);
    // 128 Ki hex characters, 87 Ki base64 characters, 64 Ki latin1 characters: 64 KiB each.
    const said = [sink.write(data[0]!.toString('hex'), 'hex'), sink.write(data[1]!.toString('base64'), 'base64'), sink.write(data[2]!.toString('latin1'), 'latin1')];
    expect(said).toEqual([true, true, false]);
    expect(sink.writableLength).toBe(192 * KiB);
    await once(sink, 'drain');
    expect(sink.writableLength).toBe(128 * KiB); // the two chunks behind are the write in flight
    sink.end();
    await once(sink, 'finish');
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it('documents mode with highWaterMark 1: one document in flight, one behind it, never merged', async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { mode: 'documents', highWaterMark: 1 });
    await opened(sink);
    const docs = [{ n: 1 }, { n: 2 }, { n: 3 }];
    expect(docs.map((d) => sink.write(d))).toEqual([true, false, false]);
    await once(sink, 'drain');
    expect(sink.progress.writes).toBe(1);
    expect(sink.writableNeedDrain).toBe(false);
    expect(sink.write({ n: 4 })).toBe(false);
    sink.end();
    await once(sink, 'finish');
    expect(lastPipe(fx).writes).toBe(4);
  });

  it("two sources piped into one sink both get their 'drain': every chunk arrives once, each source's in its order", async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB, maxWriteBytes: 128 * KiB });
    const BLOCK = 16 * KiB;
    // Every chunk is one byte value repeated: a is 0..39, b is 100..139.
    const a = Array.from({ length: 40 }, (_, i) => Buffer.alloc(BLOCK, i));
    const b = Array.from({ length: 40 }, (_, i) => Buffer.alloc(BLOCK, 100 + i));
    const [sa, sb] = [Readable.from(a), Readable.from(b)];
    sa.pipe(sink, { end: false });
    await once(sink, 'drain');
    sb.pipe(sink, { end: false });
    await Promise.all([once(sa, 'end'), once(sb, 'end')]);
    sink.end();
    await once(sink, 'finish');
    const received = lastPipe(fx).received;
    expect(received.length).toBe(80 * BLOCK);
    const blocks = Array.from({ length: 80 }, (_, i) => received[i * BLOCK]!);
    expect(blocks.filter((v) => v < 100)).toEqual(a.map((c) => c[0]));
    expect(blocks.filter((v) => v >= 100)).toEqual(b.map((c) => c[0]));
    // Each 'drain' resumes both: b's chunks come in between a's, not after a ended.
    expect(blocks.indexOf(100)).toBeLessThan(blocks.indexOf(39));
  });

  it('pipeline() from an async generator (which waits on \'drain\' or the end) coalesces, delivers everything, and resolves only after close', async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 256 * KiB, maxWriteBytes: 256 * KiB });
    const data = chunks(128, 16 * KiB); // 2 MiB
    let results = 0;
    sink.on('result', () => results++);
    await pipeline(async function* () {
      yield* data;
    }, sink);
    expect(results).toBe(1);
    expect(sink.writableFinished).toBe(true);
    expect(fx.dataOps(sink.pipeId).at(-1)).toBe('close');
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
    expect(writeSizes(fx).length).toBeLessThanOrEqual(12); // 256 KiB batches, not one write per chunk
  });

  it('text mode: held-back text and the early drain still cut every segment but the last at a line end', async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', highWaterMark: 32 * KiB, maxWriteBytes: 64 * KiB });
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i}: ünïcödé ✓ 😀 ${'x'.repeat(i % 50)}\n`).join('');
    const bytes = Buffer.from(lines);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 3 * KiB + 7) pieces.push(bytes.subarray(at, at + 3 * KiB + 7));
    await pipeline(Readable.from(pieces), sink);
    const received = lastPipe(fx).received;
    expect(received.equals(bytes)).toBe(true);
    const sizes = writeSizes(fx);
    expect(sizes.length).toBeGreaterThan(3);
    let at = 0;
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeLessThanOrEqual(64 * KiB);
      at += size;
      expect(received[at - 1]).toBe(0x0a);
    }
  });
});
