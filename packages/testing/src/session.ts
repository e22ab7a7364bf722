import { type ClientOptions, RocketRideClient, type UseOptions } from '@rocketride-streams/core';
import { ECHO_PIPELINE } from './pipelines.js';
import { startEngine } from './server.js';
import type { Engine, EngineOptions } from './types.js';

/** What {@link startTestSession} starts. */
export interface TestSessionOptions {
  /** Options of the simulator. Default `{}` (no API key: any non-empty credential is accepted). */
  engine?: EngineOptions;
  /**
   * Options of the client, over `{ uri: engine.uri, auth, env: {} }` where `auth` is the engine's
   * `apiKey`, or `'test-key'` when it has none. `env: {}` keeps `ROCKETRIDE_*` variables out.
   */
  client?: ClientOptions;
  /** The pipeline to run once connected; `null` runs none. Default {@link ECHO_PIPELINE}. */
  pipeline?: Record<string, unknown> | null;
  /** Further `use()` options for that pipeline (token, threads…). Default none. */
  use?: Omit<UseOptions, 'pipeline' | 'filepath'>;
}

/** A simulator with a connected client and, usually, a running pipeline. */
export interface TestSession {
  engine: Engine;
  client: RocketRideClient;
  /** The running task's token; `''` when no pipeline was started. */
  token: string;
  /** Disconnects the client (ignoring a failure to) and closes the simulator. */
  close(): Promise<void>;
}

/**
 * Starts a simulator on 127.0.0.1, connects a {@link RocketRideClient} to it and runs a pipeline
 * (the echo pipeline unless told otherwise). If any step fails, what was started is closed.
 */
export async function startTestSession(options: TestSessionOptions = {}): Promise<TestSession> {
  const engine = await startEngine(options.engine);
  const client = new RocketRideClient({ uri: engine.uri, auth: options.engine?.apiKey ?? 'test-key', env: {}, ...options.client });
  const close = async () => {
    await client.disconnect().catch(() => {});
    await engine.close();
  };
  try {
    await client.connect();
    const pipeline = options.pipeline === undefined ? ECHO_PIPELINE : options.pipeline;
    const token = pipeline ? (await client.use({ ...options.use, pipeline })).token : '';
    return { engine, client, token, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Engines and clients opened for tests, all closed by {@link TestResources.closeAll} (call it after each
 * test). Engines start with `apiKey: key` and clients authenticate with `key` unless told otherwise.
 */
export function testResources(key = 'K') {
  const engines: Engine[] = [];
  const clients: RocketRideClient[] = [];
  const resources = {
    /** A simulator, closed by `closeAll`. */
    async engine(options: EngineOptions = {}): Promise<Engine> {
      const engine = await startEngine({ apiKey: key, ...options });
      engines.push(engine);
      return engine;
    },
    /** A client for `engine` (not connected), disconnected by `closeAll`. */
    client(engine: { uri: string }, options: ClientOptions = {}): RocketRideClient {
      const client = new RocketRideClient({ uri: engine.uri, auth: key, env: {}, ...options });
      clients.push(client);
      return client;
    },
    /** A simulator and a client connected to it. */
    async connected(engineOptions: EngineOptions = {}, clientOptions: ClientOptions = {}) {
      const engine = await resources.engine(engineOptions);
      const client = resources.client(engine, clientOptions);
      await client.connect();
      return { engine, client };
    },
    /** Disconnects every client, then closes every engine, opened since the last call. */
    async closeAll(): Promise<void> {
      for (const c of clients.splice(0)) await c.disconnect();
      for (const e of engines.splice(0)) await e.close();
    },
  };
  return resources;
}

export type TestResources = ReturnType<typeof testResources>;
