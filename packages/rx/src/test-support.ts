/**
 * Test helpers (not exported from the package): per-test engines and clients, closed after each test,
 * the example pipelines, and counters of everything a stream may leave behind.
 */
import { type ClientEventName, type ClientOptions, RocketRideClient } from '@rocketride-streams/core';
import { type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import { registryFor } from './registry.js';

export const ECHO_PIPELINE = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

export const CHAT_PIPELINE = {
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source' } },
    { id: 'llm_1', provider: 'llm_echo', config: {}, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'llm_1' }] },
  ],
  source: 'chat_1',
  project_id: '0b7f7f57-3f83-4f7a-9a57-6b1fb4a8c0de',
};

/** The echo pipeline under another project id, so its task has its own server key. */
export const echoInProject = (projectId: string) => ({ ...ECHO_PIPELINE, project_id: projectId });

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (no wall-clock assertion: only a generous cap to fail the test). */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const NAMES: ClientEventName[] = ['connected', 'disconnected', 'reconnecting', 'connectError', 'event', 'protocolError'];

/** Listener counts of every client event, plus the number of live shared streams. */
export function footprint(client: RocketRideClient): Record<ClientEventName | 'shared', number> {
  const out = { shared: registryFor(client).size } as Record<ClientEventName | 'shared', number>;
  for (const n of NAMES) out[n] = client.listenerCount(n);
  return out;
}

/** `rrext_monitor` requests the engine received, as `{ connectionId, args }`. */
export function monitorRequests(engine: Engine) {
  return engine
    .requests()
    .filter((r) => r.command === 'rrext_monitor')
    .map((r) => ({ connectionId: r.connectionId, args: r.arguments }));
}

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
    client(engine: { uri: string }, options: ClientOptions = {}): RocketRideClient {
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
