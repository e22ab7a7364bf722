import { afterEach } from 'vitest';
import { startEngine } from './server.js';
import { RawClient } from './test-client.js';
import type { Engine, EngineOptions } from './types.js';

/**
 * For the simulator's own raw-frame tests: one engine per test and the raw clients opened on it,
 * all closed after each test. `defaults` are the engine options every `start()` begins from.
 */
export function useRawHarness(defaults: EngineOptions = { apiKey: 'K' }) {
  let current: Engine | undefined;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await current?.close();
    current = undefined;
  });
  const track = (c: RawClient): RawClient => {
    clients.push(c);
    return c;
  };
  const harness = {
    /** The engine of the running test. */
    get engine(): Engine {
      if (current === undefined) throw new Error('start() the engine first');
      return current;
    },
    async start(options: EngineOptions = {}): Promise<Engine> {
      current = await startEngine({ ...defaults, ...options });
      return current;
    },
    /** A raw client that has authenticated with `key`. */
    async authed(key = 'K'): Promise<RawClient> {
      return track(await RawClient.authed(harness.engine.uri, key));
    },
    /** A raw client that has not authenticated. */
    async opened(): Promise<RawClient> {
      return track(await RawClient.open(harness.engine.uri));
    },
  };
  return harness;
}
