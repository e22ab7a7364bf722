import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipe, type PipeWritable } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';

// The early 'drain' of PipeWritable (highWaterMark counts what waits behind the write in flight)
// against the Node stream contracts its users rely on. backpressure.test.ts holds the basic cases.

const KiB = 1024;

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const lastPipe = (f: Fixture) => f.engine.pipes().at(-1)!;
const writeSizes = (f: Fixture) =>
  f.engine
    .requests()
    .filter((r) => r.arguments.subcommand === 'write')
    .map((r) => r.dataBytes);

/** Resolves once the sink is constructed: its pipe is open (the first progress report) and writes go straight out. */
const opened = async (sink: PipeWritable): Promise<void> => {
  await once(sink, 'progress');
  await new Promise((r) => setImmediate(r));
};

/** Counts 'drain' events. */
const drainCounter = (sink: PipeWritable): { readonly count: number } => {
  const c = { count: 0 };
  sink.on('drain', () => c.count++);
  return c;
};

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
    const second = chunks(2, 64 * KiB);
    const source = Readable.from(second);
    source.pipe(sink);
    // Readable.pipe() pauses a source when the sink says it needs a drain.
    expect(source.readableFlowing).toBe(true);
    await once(source, 'end');
    expect(sink.progress.bytesAcknowledged).toBeLessThan(256 * KiB); // read before the batch in flight was acknowledged
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
    const drains = drainCounter(sink);
    await opened(sink);
    // A chunk larger than highWaterMark into an idle sink goes out at once: nothing waits behind it.
    const big = chunks(1, 512 * KiB)[0]!;
    expect(sink.write(big)).toBe(true);
    expect(sink.writableNeedDrain).toBe(false);
    // Then the usual loop: write until false, wait for 'drain'.
    const data = chunks(40, 32 * KiB);
    let falses = 0;
    for (const c of data) {
      if (!sink.write(c)) {
        falses++;
        await once(sink, 'drain');
      }
    }
    await vi.waitFor(() => expect(sink.writableLength).toBe(0)); // every byte acknowledged: Node's own chance to drain
    await new Promise((r) => setImmediate(r));
    expect(falses).toBeGreaterThan(1);
    expect(drains.count).toBe(falses);
    sink.end();
    await once(sink, 'finish');
    expect(sha256(lastPipe(fx).received)).toBe(sha256([big, ...data]));
  });

  it("no 'drain' once end() was called, even when the batch that takes the buffer starts after it", async () => {
    fx = await startFixture({ ackDelayMs: 50 });
    const sink = createPipe(fx.client, fx.token, { highWaterMark: 64 * KiB });
    const drains = drainCounter(sink);
    await opened(sink);
    const data = chunks(3, 64 * KiB);
    expect(data.map((c) => sink.write(c))).toEqual([true, false, false]);
    sink.end();
    await once(sink, 'finish');
    expect(drains.count).toBe(0);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });
});
