import { RocketRideClient } from '@rocketride-streams/core';
import { type Engine, type EngineOptions, type ReceivedRequest, startEngine } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import { StoreApi } from '../store/api.js';

export interface StoreFixture {
  engine: Engine;
  client: RocketRideClient;
  store: StoreApi;
}

/** Per-test simulators and store clients on 127.0.0.1, all closed after each test. */
export function useStore() {
  const engines: Engine[] = [];
  const clients: RocketRideClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    for (const e of engines.splice(0)) await e.close();
  });
  const client = async (engine: Engine, options: ConstructorParameters<typeof RocketRideClient>[0] = {}) => {
    const c = new RocketRideClient({ uri: engine.uri, auth: 'K', env: {}, ...options });
    clients.push(c);
    await c.connect();
    return c;
  };
  return {
    client,
    async start(options: EngineOptions = {}, clientOptions: ConstructorParameters<typeof RocketRideClient>[0] = {}): Promise<StoreFixture> {
      const engine = await startEngine({ apiKey: 'K', ...options });
      engines.push(engine);
      const c = await client(engine, clientOptions);
      return { engine, client: c, store: new StoreApi(c) };
    },
  };
}

/** The `rrext_store` requests the engine received, as `subcommand` names (or the whole requests). */
export const storeOps = (engine: Engine): string[] =>
  engine.requests().filter((r) => r.command === 'rrext_store').map((r) => String(r.arguments.subcommand));

export const storeRequests = (engine: Engine, subcommand: string): ReceivedRequest[] =>
  engine.requests().filter((r) => r.command === 'rrext_store' && r.arguments.subcommand === subcommand);

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await tick(10);
  }
}

export const PROFILES = ['intended', 'head'] as const;
