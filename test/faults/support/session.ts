import { type ClientOptions, RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { type Check, eventually, SETTLE_MS, settle } from './invariants.js';

export const KEY = 'fault-suite-key';

export interface Session {
  engine: Engine;
  client: RocketRideClient;
  token: string;
  /** Bounded: never hangs, even on a wedged client. */
  close(): Promise<void>;
}

/** A simulator, a connected core client (options over `{ uri, auth, env: {} }`) and the echo pipeline running. */
export async function openSession(
  engineOptions: EngineOptions = {},
  clientOptions: ClientOptions = {},
  make: (options: ClientOptions) => RocketRideClient = (o) => new RocketRideClient(o),
): Promise<Session> {
  const engine = await startEngine({ apiKey: KEY, ...engineOptions });
  const client = make({ uri: engine.uri, auth: KEY, env: {}, ...clientOptions });
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE });
    return { engine, client, token, close: () => closeBoth(client, engine) };
  } catch (error) {
    await closeBoth(client, engine);
    throw error;
  }
}

export async function closeBoth(client: RocketRideClient | undefined, engine: Engine | undefined): Promise<void> {
  if (client) await settle(client.disconnect(), 3_000);
  if (engine) await settle(engine.close(), 3_000);
}

/**
 * The connection still serves: `ping()` answers (resolves to whether it did). In persist mode the client may first have to
 * reconnect (bounded); without persist, a client that lost its connection connects again first.
 */
export async function checkServes(client: RocketRideClient, check: Check, persist: boolean): Promise<boolean> {
  if (persist) {
    const back = await eventually(() => client.isConnected(), SETTLE_MS);
    check(back, 'reconnects in persist mode', 'not connected again');
  } else if (!client.isConnected()) {
    const again = await settle(client.connect());
    check(again.status === 'resolved', 'the client connects again after a loss', again.status);
  }
  const ping = await settle(client.ping());
  const ok = ping.status === 'resolved';
  check(ok, 'the connection still serves ping() afterwards', ping.status === 'rejected' ? String((ping.error as Error)?.message) : ping.status);
  return ok;
}
