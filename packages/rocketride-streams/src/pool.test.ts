import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPool, PoolTask, type RocketRidePool } from './index.js';

let engines: Engine[] = [];
let pool: RocketRidePool | undefined;
afterEach(async () => {
  await pool?.disconnect();
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
  pool = undefined;
});

describe('the façade re-exports the pool (issue 14)', () => {
  it('connectPool() from rocketride-streams spreads uploads over two engines', async () => {
    engines = await Promise.all([startEngine({ apiKey: 'K' }), startEngine({ apiKey: 'K' })]);
    pool = await connectPool({ engines: engines.map((e) => e.uri).join(','), auth: 'K', env: {} });
    const task = await pool.use(ECHO_PIPELINE);
    expect(task).toBeInstanceOf(PoolTask);
    const results = await Promise.all([task.upload('a'), task.upload('b')]);
    expect(results.map((r) => r.engine).sort()).toEqual(pool.engines.slice().sort());
  });
});
