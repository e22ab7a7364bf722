import { type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import type { RocketRidePool } from '../index.js';

/** In-process simulators (real sockets on 127.0.0.1) and the pool of a test, all closed after it. */
export function useEngines(): { start(n: number, options?: EngineOptions): Promise<Engine[]>; keep(pool: RocketRidePool): RocketRidePool } {
  let engines: Engine[] = [];
  let pools: RocketRidePool[] = [];
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.disconnect()));
    await Promise.all(engines.map((e) => e.close()));
    engines = [];
    pools = [];
  });
  return {
    start: async (n, options = {}) => {
      const started = await Promise.all(Array.from({ length: n }, () => startEngine({ apiKey: 'K', ...options })));
      engines.push(...started);
      return started;
    },
    keep: (pool) => {
      pools.push(pool);
      return pool;
    },
  };
}

/** The data-plane requests an engine received. */
export const dataOps = (engine: Engine) => engine.requests().filter((r) => r.command === 'rrext_process');

/** A pipeline without a project id: each engine then issues its own random token. */
export const FRESH_PIPELINE = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook' } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
};
