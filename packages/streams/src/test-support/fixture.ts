import { createHash, randomBytes } from 'node:crypto';
import { RocketRideClient } from '@rocketride-streams/core';
import { type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';

/** The echo pipeline of the protocol notes: webhook source → response on the text lane. */
export const ECHO_PIPELINE = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

export interface Fixture {
  engine: Engine;
  client: RocketRideClient;
  token: string;
  /** Requests the engine received for data pipes, as `subcommand` names, optionally for one pipe id. */
  dataOps(pipeId?: number): string[];
  close(): Promise<void>;
}

let tokens = 0;

/** Starts a simulator, connects a client and runs the echo pipeline on a fresh token. */
export async function startFixture(options: EngineOptions & { threads?: number } = {}): Promise<Fixture> {
  const { threads, ...engineOptions } = options;
  const engine = await startEngine(engineOptions);
  const client = new RocketRideClient({ uri: engine.uri, auth: 'test-key', env: {} });
  await client.connect();
  const task = await client.use({ pipeline: ECHO_PIPELINE, token: `streams-${process.pid}-${++tokens}`, ...(threads ? { threads } : {}) });
  return {
    engine,
    client,
    token: task.token,
    dataOps: (pipeId) =>
      engine
        .requests()
        .filter((r) => r.command === 'rrext_process' && (pipeId === undefined || r.arguments.pipe_id === pipeId || r.arguments.subcommand === 'open'))
        .map((r) => String(r.arguments.subcommand)),
    close: async () => {
      await client.disconnect().catch(() => {});
      await engine.close();
    },
  };
}

export const sha256 = (data: Uint8Array | Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const d of Array.isArray(data) ? data : [data]) h.update(d);
  return h.digest('hex');
};

/** `count` fresh random chunks of `size` bytes. */
export function chunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(size));
}
