import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPool, type RocketRidePool } from './index.js';
import { sharedBatch } from './test-support/files.js';
import { type Sim, startSims } from './test-support/sims.js';
import { commits, exactlyOnce, split } from './test-support/verify.js';

let sims: Sim[] = [];
let pool: RocketRidePool | undefined;
const data = { files: sharedBatch() };

beforeAll(async () => {
  sims = await startSims(3, { apiKey: 'pool-key' });
});
afterAll(async () => {
  await pool?.disconnect();
  await Promise.all(sims.map((s) => s.stop()));
});

describe('three simulator processes, 200 files of 256 KiB–1 MiB through uploadFiles with replicas: all (issue 14)', () => {
  it('commits every file exactly once with the SHA-256 of its source, spread over all three engines', async () => {
    pool = await connectPool({ engines: sims.map((s, i) => ({ uri: s.uri, name: `engine-${i}` })), auth: 'pool-key', env: {} });
    const task = await pool.use(ECHO_PIPELINE, { replicas: 'all' });
    expect(task.engines).toEqual(['engine-0', 'engine-1', 'engine-2']);
    const results = await task.uploadFiles(data.files.map((f) => f.path));

    expect(results.filter((r) => r.status !== 'committed').map((r) => `${r.path}: ${r.status} ${r.error?.message}`)).toEqual([]);
    expect(results.every((r) => r.ok && r.attempts === 1)).toBe(true);
    const snapshots = await Promise.all(sims.map((s) => s.snapshot()));
    const held = commits(Object.fromEntries(snapshots.map((s, i) => [`engine-${i}`, s])));
    expect(exactlyOnce(data.files, results, held)).toEqual([]);
    expect([...held.keys()].length).toBe(200);

    const perEngine = split(results);
    console.info(`pool split of 200 files over 3 engines: ${JSON.stringify(perEngine)}`);
    // least-pipes over equal engines: each takes a real share (a third would be 66–67).
    for (const name of ['engine-0', 'engine-1', 'engine-2']) expect(perEngine[name]).toBeGreaterThanOrEqual(40);
  }, 90_000);
});
