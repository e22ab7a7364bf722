import { RocketRide } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEntries } from './support/entries-store.js';
import { runGrid, runRandom } from './support/grid.js';
import { Cases, crashes, SEEDS } from './support/invariants.js';
import { openSession, type Session } from './support/session.js';

/**
 * Careless callers of the file store: every argument and option field of the client's `fs*` commands,
 * the template/log helpers and `client.store` (streams included), each with its bad values, is refused
 * with a coded ValidationError naming it, before anything reaches the engine (support/grid.ts).
 */
const RANDOM_RUNS = 80;
let s: Session;
const cases = new Cases('options-store');
const entries = storeEntries(() => ({ client: s.client as RocketRide }));

beforeAll(async () => {
  crashes.install();
  s = await openSession({}, {}, (o) => new RocketRide(o));
});
afterAll(async () => {
  crashes.uninstall();
  await s.close();
  console.log(cases.summary());
});

describe('fault suite: careless callers of the file store', () => {
  for (const [name, make] of Object.entries(entries)) {
    it(`${name}: every argument with each of its bad values`, { timeout: 60_000 }, async () => {
      await runGrid(cases, s.engine, name, make());
      expect(cases.of(name)).toEqual([]);
    });
  }

  it(`${RANDOM_RUNS} seeded random combinations of bad fields`, { timeout: 60_000 }, async () => {
    await runRandom(cases, s.engine, entries, SEEDS.optionsStore, RANDOM_RUNS);
    expect(cases.of('random')).toEqual([]);
  });
});
