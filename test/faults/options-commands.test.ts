import { RocketRide } from 'rocketride-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandEntries } from './support/entries-commands.js';
import { runGrid, runRandom } from './support/grid.js';
import { Cases, crashes, SEEDS, settle } from './support/invariants.js';
import { KEY, openSession, type Session } from './support/session.js';

/**
 * Careless callers of the client's commands beyond the data path: connection, tasks, services,
 * requests, deployments, dashboard, profiling, account and the database helper. Every argument and
 * option field, each with its bad values, is refused with a coded ValidationError naming it, before
 * anything reaches the engine (support/grid.ts).
 */
const RANDOM_RUNS = 80;
let s: Session;
const fresh: RocketRide[] = [];
const cases = new Cases('options-commands');
const entries = commandEntries(() => ({
  client: s.client as RocketRide,
  token: s.token,
  uri: s.engine.uri,
  fresh: () => {
    const client = new RocketRide({ uri: s.engine.uri, auth: KEY, env: {}, persist: false });
    fresh.push(client);
    return client;
  },
}));

beforeAll(async () => {
  crashes.install();
  s = await openSession({}, {}, (o) => new RocketRide(o));
});
afterEach(async () => {
  for (const client of fresh.splice(0)) await settle(client.disconnect(), 3_000);
});
afterAll(async () => {
  crashes.uninstall();
  await s.close();
  console.log(cases.summary());
});

describe('fault suite: careless callers of the client commands', () => {
  for (const [name, make] of Object.entries(entries)) {
    it(`${name}: every argument with each of its bad values`, { timeout: 60_000 }, async () => {
      await runGrid(cases, s.engine, name, make());
      expect(cases.of(name)).toEqual([]);
    });
  }

  it(`${RANDOM_RUNS} seeded random combinations of bad fields`, { timeout: 60_000 }, async () => {
    await runRandom(cases, s.engine, entries, SEEDS.optionsCommands, RANDOM_RUNS);
    expect(cases.of('random')).toEqual([]);
  });
});
