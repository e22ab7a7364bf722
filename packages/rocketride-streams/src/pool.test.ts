import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPool, PoolTask, type RocketRidePool } from './index.js';

let engines: Engine[] = [];
let pool: RocketRidePool | undefined;
let dir: string | undefined;
afterEach(async () => {
  await pool?.disconnect();
  await Promise.all(engines.map((e) => e.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
  engines = [];
  pool = undefined;
  dir = undefined;
});

describe('the façade re-exports the pool (issue 14; the README tour snippet)', () => {
  it('connectPool() from rocketride-streams spreads uploadFiles over the engines, each result naming its engine', async () => {
    engines = await Promise.all([startEngine({ apiKey: 'K' }), startEngine({ apiKey: 'K' })]);
    dir = await mkdtemp(join(tmpdir(), 'rr-facade-pool-'));
    const paths = ['a.txt', 'b.txt', 'c.txt', 'd.txt'].map((name) => join(dir!, name));
    for (const path of paths) await writeFile(path, `content of ${path}`);
    const uris = engines.map((e) => e.uri);

    pool = await connectPool({ engines: uris.join(','), auth: 'K', env: {} });
    const task = await pool.use(ECHO_PIPELINE, { replicas: 'all' });
    const results = await task.uploadFiles(paths); // each: { path, ok, status, engine, attempts, … }

    expect(task).toBeInstanceOf(PoolTask);
    expect(results.map((r) => [r.path, r.ok, r.status, r.attempts])).toEqual(paths.map((p) => [p, true, 'committed', 1]));
    expect(new Set(results.map((r) => r.engine))).toEqual(new Set(uris));
  });
});
