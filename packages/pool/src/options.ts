import { checkClientOptions, type ClientOptions, describeValue, ENV_URI, loadEnv, readArgument } from '@rocketride-streams/core';
import { invalid } from './checks.js';

/** One engine of a pool: its address, and its own credential when it differs from the pool's `auth`. */
export interface PoolEngineSpec {
  uri: string;
  /** Credential for this engine. Default: the pool's `auth`, else `ROCKETRIDE_APIKEY`. */
  auth?: string;
  /** The name results, events and health report carry. Default: the engine's normalised URI. */
  name?: string;
}

/** How a pool picks the replica for a new pipe. */
export type PoolStrategy = 'least-pipes' | 'round-robin';

/**
 * Options of {@link connectPool}: the engines, the routing strategy, and the client options every
 * engine's client is built with (persist mode is always on: a lost engine is reconnected with the
 * client's backoff and comes back into rotation).
 */
export interface PoolOptions extends Omit<ClientOptions, 'uri' | 'persist' | 'onConnected' | 'onDisconnected' | 'onConnectError' | 'onEvent'> {
  /**
   * The engines: a list of addresses or {@link PoolEngineSpec}s, or one comma-separated string
   * (`'ws://a:5565,ws://b:5565'`). Default: `ROCKETRIDE_URI` read as a comma-separated list.
   */
  engines?: string | ReadonlyArray<string | PoolEngineSpec>;
  /**
   * `least-pipes` (default): the ready replica with the fewest open pipes, ties by round robin.
   * `round-robin`: the next ready replica in turn, whatever its load.
   */
  strategy?: PoolStrategy;
  /** Aborts connecting: every engine's client is closed and `connectPool` rejects with an AbortError. */
  signal?: AbortSignal;
}

/** An engine as the pool builds it: its address, name and the client options for it. */
export interface EngineSetup {
  uri: string;
  name: string | undefined;
  client: ClientOptions;
}

export interface CheckedPoolOptions {
  engines: EngineSetup[];
  strategy: PoolStrategy;
  signal: AbortSignal | undefined;
}


const POOL_ONLY = new Set(['engines', 'strategy', 'signal']);
const REFUSED: Record<string, string> = {
  uri: 'name the engines with options.engines (or ROCKETRIDE_URI as a comma-separated list), not options.uri',
  persist: 'a pool always reconnects its engines (persist mode); leave options.persist out',
  onConnected: "use pool.engines$() to follow the engines' connections",
  onDisconnected: "use pool.engines$() to follow the engines' connections",
  onConnectError: "use pool.engines$() to follow the engines' connections (lastError)",
  onEvent: 'use pool.events$() for the engines’ events',
};

function engineList(value: unknown): unknown[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim());
  if (Array.isArray(value)) return value;
  throw invalid(`connectPool() options.engines must be an array of engines or a comma-separated string (got ${describeValue(value)})`);
}

function engineSpec(entry: unknown, i: number): PoolEngineSpec {
  const where = `connectPool() options.engines[${i}]`;
  if (typeof entry === 'string') {
    if (entry.trim() === '') throw invalid(`${where} is an empty address`, 'ERR_INVALID_URI');
    return { uri: entry.trim() };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw invalid(`${where} must be an address or { uri, auth?, name? } (got ${describeValue(entry)})`);
  }
  const { uri, auth, name, ...rest } = entry as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw invalid(`${where} has an unknown field: ${extra[0]} (an engine takes uri, auth and name)`);
  if (typeof uri !== 'string' || uri.trim() === '') throw invalid(`${where}.uri must be a non-empty engine address (got ${describeValue(uri)})`, 'ERR_INVALID_URI');
  if (auth !== undefined && typeof auth !== 'string') throw invalid(`${where}.auth must be a string (got ${describeValue(auth)})`);
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) throw invalid(`${where}.name must be a non-empty string (got ${describeValue(name)})`);
  const spec: PoolEngineSpec = { uri: uri.trim() };
  if (auth !== undefined) spec.auth = auth;
  if (name !== undefined) spec.name = name;
  return spec;
}

/**
 * Checks every option of `connectPool` before any socket is opened.
 * @throws ValidationError `ERR_INVALID_OPTION` / `ERR_INVALID_URI` (the message names the option, never a credential).
 */
export function checkPoolOptions(options: unknown): CheckedPoolOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid(`connectPool() options must be an object (got ${describeValue(options)})`);
  }
  // Copied once: a getter or Proxy trap that throws is refused (coded) before any engine is dialled.
  const all = readArgument('connectPool() options', () => ({ ...options }) as Record<string, unknown>);
  for (const [key, why] of Object.entries(REFUSED)) {
    if (all[key] !== undefined) throw invalid(`connectPool() options.${key} is not a pool option: ${why}`);
  }
  const clientPart: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) if (!POOL_ONLY.has(key)) clientPart[key] = value;
  const client = checkClientOptions(clientPart, 'connectPool() options');
  const { strategy, signal } = all;
  if (strategy !== undefined && strategy !== 'least-pipes' && strategy !== 'round-robin') {
    throw invalid(`connectPool() options.strategy must be 'least-pipes' or 'round-robin' (got ${describeValue(strategy)})`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid(`connectPool() options.signal must be an AbortSignal (got ${describeValue(signal)})`);
  }
  let raw = all.engines;
  if (raw === undefined) {
    const fromEnv = loadEnv(client.env)[ENV_URI];
    if (fromEnv === undefined || fromEnv.trim() === '') {
      throw invalid(`connectPool() needs engines: give options.engines or set ${ENV_URI} to a comma-separated list of addresses`, 'ERR_INVALID_URI');
    }
    raw = fromEnv;
  }
  const specs = engineList(raw).map(engineSpec);
  if (specs.length === 0) throw invalid('connectPool() options.engines must name at least one engine');
  const names = new Set<string>();
  for (const spec of specs) {
    if (spec.name === undefined) continue;
    if (names.has(spec.name)) throw invalid(`connectPool() options.engines names two engines ${spec.name}`);
    names.add(spec.name);
  }
  const engines = specs.map((spec) => ({
    uri: spec.uri,
    name: spec.name,
    client: { ...client, uri: spec.uri, persist: true, ...(spec.auth === undefined ? {} : { auth: spec.auth }) },
  }));
  return { engines, strategy: strategy ?? 'least-pipes', signal: signal as AbortSignal | undefined };
}
