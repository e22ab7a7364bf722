import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { connectPool, type PoolTask, RocketRide, type RocketRidePool } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolEntries } from './support/entries-pool.js';
import { runGrid, runRandom } from './support/grid.js';
import { Cases, crashes, SEEDS, settle } from './support/invariants.js';
import { KEY, openSession, type Session } from './support/session.js';

/**
 * Careless callers of the façade's Observable methods, the rx helpers, the pool and the Express store
 * handlers: every argument and option field, each with its bad values, is refused with a coded
 * ValidationError naming it, before anything reaches the engine (support/grid.ts).
 */
const RANDOM_RUNS = 80;
let s: Session;
let pool: RocketRidePool;
let task: PoolTask;
let file: string;
const cases = new Cases('options-pool');
const entries = poolEntries(() => ({ client: s.client as RocketRide, token: s.token, uri: s.engine.uri, pool, task, file }));

beforeAll(async () => {
  crashes.install();
  s = await openSession({}, {}, (o) => new RocketRide(o));
  pool = await connectPool({ engines: [s.engine.uri], auth: KEY, env: {} });
  task = await pool.use(ECHO_PIPELINE, { token: 'pool-task' });
  const dir = mkdtempSync(join(tmpdir(), 'rr-faults-'));
  file = join(dir, 'a.txt');
  writeFileSync(file, 'file body');
});
afterAll(async () => {
  crashes.uninstall();
  await settle(pool.disconnect(), 3_000);
  await s.close();
  console.log(cases.summary());
});

describe('fault suite: careless callers of the rx helpers, the pool and the Express store handlers', () => {
  for (const [name, make] of Object.entries(entries)) {
    it(`${name}: every argument with each of its bad values`, { timeout: 60_000 }, async () => {
      await runGrid(cases, s.engine, name, make());
      expect(cases.of(name)).toEqual([]);
    });
  }

  it(`${RANDOM_RUNS} seeded random combinations of bad fields`, { timeout: 60_000 }, async () => {
    await runRandom(cases, s.engine, entries, SEEDS.optionsPool, RANDOM_RUNS);
    expect(cases.of('random')).toEqual([]);
  });
});
