import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RocketRideClient } from '@rocketride-streams/core';
import { type EngineProcess, startEngineProcess } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { ECHO_PIPELINE } from './test-support/fixture.js';

const MiB = 1024 * 1024;
const TOTAL = 256 * MiB;
const CHUNK = 64 * 1024;
/**
 * The stated bound on live memory growth in the client while 256 MiB stream into a slow engine:
 * highWaterMark (4 MiB) + the write in flight (up to maxWriteBytes, 4 MiB) + the masked copy ws
 * makes of it (4 MiB) + socket buffers, with slack for V8 and the test's own bookkeeping: 24 MiB.
 * Unbounded buffering grows by hundreds of MiB here.
 */
const BOUND = 24 * MiB;

let sim: EngineProcess | undefined;
let client: RocketRideClient | undefined;
afterEach(async () => {
  await client?.disconnect().catch(() => {});
  await sim?.stop();
  client = undefined;
  sim = undefined;
});

describe('memory', () => {
  it(`stays within ${BOUND / MiB} MiB of growth while a fast 256 MiB source feeds a slow engine`, { timeout: 60_000 }, async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('run with --expose-gc (packages/streams/vitest.config.ts sets it)');
    // The engine in another process (it keeps no payload), acknowledging each write 3 ms late.
    sim = await startEngineProcess({ ackDelayMs: 3 });
    client = new RocketRideClient({ uri: sim.uri, auth: 'k', env: {} });
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE, token: 'memory' });

    // V8 frees the memory of dead ArrayBuffers on a background thread after a collection, so on a
    // loaded machine a reading taken right after gc() still counts some of them: collect, let a
    // turn of the event loop pass, collect again, then read.
    const live = async () => {
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = await live();
    let peak = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await live()) - baseline);
        samples++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    let produced = 0;
    // A source far faster than the engine: fresh 64 KiB buffers as fast as they are asked for.
    const source = new Readable({
      highWaterMark: CHUNK,
      read() {
        if (produced >= TOTAL) return void this.push(null);
        produced += CHUNK;
        this.push(Buffer.allocUnsafe(CHUNK));
      },
    });
    const sink = createPipe(client, token);
    await pipeline(source, sink);
    sampling = false;
    await sampler;
    expect(sink.progress.bytesAcknowledged).toBe(TOTAL);
    expect(samples).toBeGreaterThan(20); // enough samples to see a leak
    console.log(`memory: peak live growth ${(peak / MiB).toFixed(1)} MiB in ${samples} samples over ${sink.progress.writes} writes (bound ${BOUND / MiB} MiB)`);
    expect(peak).toBeLessThan(BOUND);
  });
});
