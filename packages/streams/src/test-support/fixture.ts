import { createHash, randomBytes } from 'node:crypto';
import type { RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, type EngineOptions, startTestSession } from '@rocketride-streams/testing';

export { ECHO_PIPELINE };

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
  const { engine, client, token, close } = await startTestSession({
    engine: engineOptions,
    client: { auth: 'test-key' },
    use: { token: `streams-${process.pid}-${++tokens}`, ...(threads ? { threads } : {}) },
  });
  return {
    engine,
    client,
    token,
    dataOps: (pipeId) =>
      engine
        .requests()
        .filter((r) => r.command === 'rrext_process' && (pipeId === undefined || r.arguments.pipe_id === pipeId || r.arguments.subcommand === 'open'))
        .map((r) => String(r.arguments.subcommand)),
    close,
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
