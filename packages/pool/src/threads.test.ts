import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPool, type EngineHealth, type RocketRidePool } from './index.js';
import { type Sim, startSims } from './test-support/sims.js';

let sims: Sim[] = [];
let pool: RocketRidePool | undefined;

beforeAll(async () => {
  sims = await startSims(3);
});
afterAll(async () => {
  await pool?.disconnect();
  await Promise.all(sims.map((s) => s.stop()));
});

describe('threads: 4 per engine and 100 concurrent pipes across 3 engine processes (issue 14)', () => {
  it('upload(): no engine ever holds more than 4 open pipes of the task, none has to withhold an open, all complete', async () => {
    pool = await connectPool({ engines: sims.map((s, i) => ({ uri: s.uri, name: `engine-${i}` })), auth: 'any', env: {} });
    const task = await pool.use(ECHO_PIPELINE, { threads: 4 });
    const peakSeen: Record<string, number> = {};
    const sub = pool.engines$().subscribe((list: EngineHealth[]) => {
      for (const e of list) peakSeen[e.name] = Math.max(peakSeen[e.name] ?? 0, e.openPipes);
    });
    const payloads = Array.from({ length: 100 }, () => randomBytes(128 * 1024));
    const results = await Promise.all(payloads.map((bytes, i) => task.upload(bytes, { name: `u-${i}.bin` })));
    sub.unsubscribe();

    expect(results).toHaveLength(100);
    const perEngine: Record<string, unknown[]> = {};
    for (const r of results) {
      perEngine[r.engine] ??= [];
      perEngine[r.engine]!.push(r);
    }
    expect(Object.keys(perEngine).sort()).toEqual(['engine-0', 'engine-1', 'engine-2']);
    // The pool's own count of open pipes per engine never went over the task's threads.
    expect(Object.values(peakSeen).every((n) => n <= 4)).toBe(true);
    expect(Math.max(...Object.values(peakSeen))).toBe(4);
    for (const sim of sims) {
      const snapshot = await sim.snapshot();
      const token = snapshot.tasks[0]!.token;
      expect(snapshot.tasks[0]!.threads).toBe(4);
      expect(snapshot.peak[token]!.open).toBeLessThanOrEqual(4);
      // The pool queued the pipes itself: the engine never held an open back for want of a slot.
      expect(snapshot.peak[token]!.waiting).toBe(0);
      expect(snapshot.pipes.filter((p) => p.state === 'closed')).toHaveLength(perEngine[`engine-${sims.indexOf(sim)}`]!.length);
    }
  }, 60_000);

  it('pipe(): 100 writables opened at once all complete; the engines never hold more than 4 open pipes of the task', async () => {
    const task = await pool!.use(ECHO_PIPELINE, { threads: 4, token: 'threads-pipe' });
    const sinks = Array.from({ length: 100 }, (_, i) => task.pipe({ name: `p-${i}.bin` }));
    const counts: Record<string, number> = {};
    for (const sink of sinks) counts[sink.engine!] = (counts[sink.engine!] ?? 0) + 1;
    // least-pipes with ties by round robin: 34/33/33.
    expect(Object.values(counts).sort()).toEqual([33, 33, 34]);
    for (const sink of sinks) sink.end(randomBytes(64 * 1024));
    await Promise.all(sinks.map((s) => once(s, 'finish')));
    for (const sim of sims) {
      const snapshot = await sim.snapshot();
      expect(snapshot.peak['threads-pipe']!.open).toBeLessThanOrEqual(4);
      expect(snapshot.pipes.filter((p) => p.token === 'threads-pipe' && p.state === 'closed')).toHaveLength(counts[`engine-${sims.indexOf(sim)}`]!);
    }
  }, 60_000);
});
