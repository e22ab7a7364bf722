import { type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { type ClientOptions, ENV_URI, loadEnv } from '@rocketride-streams/core';
import { RocketRide } from './client.js';

export interface ConnectOptions extends ClientOptions {
  /**
   * Start the engine simulator in this process and connect to it, for demos and tests, when no
   * engine is configured (no `uri` option and no `ROCKETRIDE_URI` in the client's env: `options.env`,
   * else the process env or `./.env`). An object is passed to the
   * simulator as its options. When an engine is configured, this option is ignored and that engine
   * is used. Default false.
   */
  embedded?: boolean | EngineOptions;
  /** Aborts connecting. */
  signal?: AbortSignal;
}

/** Connects and authenticates; resolves to a ready {@link RocketRide} client. */
export async function connect(options: ConnectOptions = {}): Promise<RocketRide> {
  const { embedded, signal, ...clientOptions } = options;
  // The same environment the client reads: the given env, else process.env over ./.env.
  const env = loadEnv(clientOptions.env);
  const configured = Boolean(clientOptions.uri) || Boolean(env[ENV_URI]?.trim());
  if (embedded && !configured) {
    const engine = await startEngine(typeof embedded === 'object' ? embedded : {});
    const client = new RocketRide({ ...clientOptions, uri: engine.uri, auth: clientOptions.auth || (typeof embedded === 'object' ? embedded.apiKey : undefined) || 'embedded' });
    client.adoptEngine(engine);
    try {
      await client.connect(undefined, signal ? { signal } : undefined);
    } catch (err) {
      await client.disconnect().catch(() => {});
      throw err;
    }
    return client;
  }
  const client = new RocketRide(clientOptions);
  await client.connect(undefined, signal ? { signal } : undefined);
  return client;
}
