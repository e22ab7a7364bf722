import { type ClientEventName, RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Soak: thousands of small pipes through one client against an in-process simulator. What both sides
 * retain is counted (records, map sizes, listeners, subscriptions) after every round and must stay
 * flat: these counts are the precise check (the unbounded history fails them at once). As a backstop
 * for what cannot be counted from outside, the live heap of the process (client and simulator
 * together) is sampled after forced collections, and the second half may add at most HEAP_BOUND over
 * the first half's end, when every bounded structure is already full.
 */
const KEY = 'soak-key';
const ROUNDS = 8;
const PIPES_PER_ROUND = 300;
const CONCURRENCY = 8;
/** Every SSE_EVERY-th pipe is a DataPipe with an `onSSE` callback (a pipe-scoped subscription each). */
const SSE_EVERY = 10;
const HISTORY = 300;
const REQUESTS = 1500;
const MiB = 1024 * 1024;
/** Heap the second half (1,200 pipes) may add: generous, a steady state adds well under 1 MiB. */
const HEAP_BOUND = 4 * MiB;

const EVENTS: ClientEventName[] = ['connected', 'disconnected', 'reconnecting', 'connectError', 'event', 'protocolError'];

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
afterAll(async () => {
  await client?.disconnect().catch(() => {});
  await engine?.close();
});

async function liveHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (test/vitest.config.ts sets it)');
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One small object: a plain `send`, or every SSE_EVERY-th through an `onSSE` DataPipe. Checks the echo. */
async function sendOne(c: RocketRideClient, token: string, n: number): Promise<void> {
  const text = `object ${n} ${'x'.repeat(n % 97)}`;
  const name = `soak-${n}.txt`;
  let result: { text?: unknown } | undefined;
  if (n % SSE_EVERY === 0) {
    const pipe = c.openPipe(token, { name }, 'text/plain', { onSSE: () => {} });
    await pipe.open();
    await pipe.write(Buffer.from(text));
    result = await pipe.close();
  } else {
    result = await c.send(token, text, { name }, 'text/plain');
  }
  if (JSON.stringify(result?.text) !== JSON.stringify([`${text}\n\n`])) {
    throw new Error(`pipe ${n}: wrong result ${JSON.stringify(result)}`);
  }
}

interface Sample {
  pipes: number;
  history: number;
  requests: number;
  tasks: number;
  monitors: number;
  connections: number;
  pending: number;
  listeners: number;
  heap: number;
}

describe('soak', () => {
  it(`keeps the client's and the simulator's retained state flat over ${ROUNDS * PIPES_PER_ROUND} pipes`, { timeout: 120_000 }, async () => {
    engine = await startEngine({
      apiKey: KEY,
      maxPipeHistory: HISTORY,
      maxRequestLog: REQUESTS,
      // Each round's task is terminated; its records go with it 50 ms later.
      timing: { ttlScanMs: 25, retentionMs: 50 },
    });
    const c = new RocketRideClient({ uri: engine.uri, auth: KEY, env: {} });
    client = c;
    await c.connect();
    const e = engine;
    const samples: Sample[] = [];
    const sample = async (pipes: number): Promise<Sample> => {
      const s: Sample = {
        pipes,
        history: e.pipes().length,
        requests: e.requests().length,
        tasks: e.tasks().length,
        monitors: e.monitorCount(),
        connections: e.connectionCount(),
        pending: c.getConnectionInfo().pendingRequests,
        listeners: EVENTS.reduce((n, name) => n + c.listenerCount(name), 0),
        heap: await liveHeap(),
      };
      samples.push(s);
      return s;
    };

    let sent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { token } = await c.use({ pipeline: { ...ECHO_PIPELINE, project_id: `soak-${round}` } });
      let next = 0;
      const worker = async () => {
        while (next < PIPES_PER_ROUND) {
          const n = round * PIPES_PER_ROUND + next++;
          await sendOne(c, token, n);
          sent++;
          // The cap holds at every moment, not only between rounds.
          if (n % 50 === 0) expect(e.pipes().length).toBeLessThanOrEqual(HISTORY);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const task = e.tasks().find((t) => t.token === token)!;
      expect(task).toMatchObject({ openPipes: 0, waitingOpens: 0 });
      await c.terminate(token);
      // The previous rounds' tasks leave after their retention, and their pipe records with them.
      await until(() => e.tasks().length === 1, 'the terminated tasks to leave after their retention');
      await until(() => e.pipes().every((p) => p.token === token), 'the records of earlier rounds to go');
      await sample(sent);
    }
    expect(sent).toBe(ROUNDS * PIPES_PER_ROUND);

    const first = samples[0]!;
    for (const s of samples) {
      // Simulator: bounded history and request log, one retained task, no subscription left behind.
      expect(s.history).toBeLessThanOrEqual(HISTORY);
      expect(s.requests).toBeLessThanOrEqual(REQUESTS);
      expect(s.tasks).toBe(1);
      expect(s.monitors).toBe(first.monitors);
      expect(s.connections).toBe(1);
      // Client: nothing pending, no listener added per pipe.
      expect(s.pending).toBe(0);
      expect(s.listeners).toBe(first.listeners);
    }
    expect(samples.at(-1)!.history).toBe(HISTORY);
    expect(samples.at(-1)!.requests).toBe(REQUESTS);

    // Heap: the first half's end is the baseline (every bounded structure is full by then).
    const mid = samples[ROUNDS / 2 - 1]!;
    const last = samples.at(-1)!;
    const added = last.heap - mid.heap;
    console.log(
      `soak: ${sent} pipes; retained: history ${last.history}/${HISTORY}, requests ${last.requests}/${REQUESTS}, tasks ${last.tasks}, monitors ${last.monitors}; ` +
        `live heap ${(mid.heap / MiB).toFixed(1)} → ${(last.heap / MiB).toFixed(1)} MiB over the second half (bound +${HEAP_BOUND / MiB} MiB)`,
    );
    expect(added).toBeLessThan(HEAP_BOUND);
  });
});
