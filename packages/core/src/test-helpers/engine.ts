import { type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import { RocketRideClient } from '../client/client.js';
import type { ClientOptions } from '../config/options.js';

/**
 * Per-test engines and clients, all closed after each test. Usage inside a test file:
 * `const h = useEngines(); … const { engine, client } = await h.connected();`
 */
export function useEngines() {
  const engines: Engine[] = [];
  const clients: RocketRideClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    for (const e of engines.splice(0)) await e.close();
  });
  const api = {
    async engine(options: EngineOptions = {}): Promise<Engine> {
      const engine = await startEngine({ apiKey: 'K', ...options });
      engines.push(engine);
      return engine;
    },
    client(engine: Engine | { uri: string }, options: ClientOptions = {}): RocketRideClient {
      const client = new RocketRideClient({ uri: engine.uri, auth: 'K', env: {}, ...options });
      clients.push(client);
      return client;
    },
    async connected(engineOptions: EngineOptions = {}, clientOptions: ClientOptions = {}) {
      const engine = await api.engine(engineOptions);
      const client = api.client(engine, clientOptions);
      await client.connect();
      return { engine, client };
    },
  };
  return api;
}
