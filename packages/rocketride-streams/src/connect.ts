import {
  AbortError,
  checkClientOptions,
  type ClientOptions,
  describeValue,
  ENV_URI,
  loadEnv,
  ValidationError,
} from '@rocketride-streams/core';
import type { EngineOptions } from '@rocketride-streams/testing';
import { RocketRide } from './client.js';
import { startEngine, warnEmbedded } from './simulator.js';

export interface ConnectOptions extends ClientOptions {
  /**
   * Start the engine simulator in this process and connect to it, for demos and tests, when no
   * engine is configured (no `uri` option and no `ROCKETRIDE_URI` in the client's env: `options.env`,
   * else the process env or `./.env`). An object is passed to the simulator as its options. When an
   * engine is configured, this option is ignored and that engine is used. Starting the simulator
   * emits one process warning (code `ROCKETRIDE_EMBEDDED_SIMULATOR`) per process. The simulator is
   * `@rocketride-streams/testing`, an optional peer dependency loaded only then
   * (`ERR_SIMULATOR_NOT_INSTALLED` when it is missing). Default false.
   */
  embedded?: boolean | EngineOptions;
  /** Aborts connecting. */
  signal?: AbortSignal;
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_OPTION' });
}

/** Checks every option before anything is started or opened; throws a coded ValidationError. */
function checkConnectOptions(options: unknown): ConnectOptions {
  const checked = checkClientOptions(options, 'connect() options') as ConnectOptions;
  const { embedded, signal } = checked;
  if (embedded !== undefined && typeof embedded !== 'boolean' && (typeof embedded !== 'object' || embedded === null || Array.isArray(embedded))) {
    throw invalid(`connect() options.embedded must be true, false or simulator options (got ${describeValue(embedded)})`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid(`connect() options.signal must be an AbortSignal (got ${describeValue(signal)})`);
  }
  return checked;
}

/**
 * Connects and authenticates; resolves to a ready {@link RocketRide} client.
 * @throws ValidationError (`ERR_INVALID_OPTION`, `ERR_INVALID_URI`) for bad options, before anything
 *   is started or opened; then as `RocketRideClient.connect()`, and ConnectionError
 *   `ERR_SIMULATOR_NOT_INSTALLED` when `embedded` needs the simulator and it is not installed.
 */
export async function connect(options: ConnectOptions = {}): Promise<RocketRide> {
  const { embedded, signal, ...clientOptions } = checkConnectOptions(options);
  // The same environment the client reads: the given env, else process.env over ./.env.
  const env = loadEnv(clientOptions.env);
  const configured = clientOptions.uri !== undefined || Boolean(env[ENV_URI]?.trim());
  if (embedded && !configured) {
    if (signal?.aborted) throw new AbortError('Connect was aborted', { cause: signal.reason });
    const engine = await startEngine(typeof embedded === 'object' ? embedded : {});
    let client: RocketRide;
    try {
      client = new RocketRide({ ...clientOptions, uri: engine.uri, auth: clientOptions.auth || (typeof embedded === 'object' ? embedded.apiKey : undefined) || 'embedded' });
    } catch (error) {
      await engine.close();
      throw error;
    }
    client.adoptEngine(engine);
    warnEmbedded(engine.uri);
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
