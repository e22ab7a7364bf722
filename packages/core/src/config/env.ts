import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** A flat string map of environment variables. */
export type EnvMap = Record<string, string>;

/** The env variable holding the engine address. */
export const ENV_URI = 'ROCKETRIDE_URI';
/** The env variable holding the API key. */
export const ENV_APIKEY = 'ROCKETRIDE_APIKEY';

function compact(source: Record<string, string | undefined>): EnvMap {
  const out: EnvMap = {};
  for (const [k, v] of Object.entries(source)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Reads and parses `<dir>/.env` with Node's own parser; a missing or unreadable file yields `{}`. */
export function readDotEnv(dir: string = process.cwd()): EnvMap {
  let text: string;
  try {
    text = readFileSync(join(dir, '.env'), 'utf8');
  } catch {
    return {};
  }
  return compact(parseEnv(text) as Record<string, string | undefined>);
}

/**
 * The environment the client reads `ROCKETRIDE_*` variables from.
 *
 * - `explicit` given: it is the only source (nothing else is read).
 * - otherwise: `process.env` laid over the `.env` file of `cwd` (the process environment wins).
 */
export function loadEnv(explicit?: Record<string, string | undefined>, cwd: string = process.cwd()): EnvMap {
  if (explicit !== undefined) return compact(explicit);
  return { ...readDotEnv(cwd), ...compact(process.env) };
}

/** Every `ROCKETRIDE_*` variable except the API key, as sent with `execute` (`arguments.env`). */
export function forwardedEnv(env: EnvMap): EnvMap {
  const out: EnvMap = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('ROCKETRIDE_') && k !== ENV_APIKEY) out[k] = v;
  return out;
}

const PLACEHOLDER = /\$\{(ROCKETRIDE_[A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${ROCKETRIDE_X}` placeholders in every string of a JSON value with values from `env`.
 * Unknown variables are left as written (the engine resolves them later, or keeps them), and so is
 * `${ROCKETRIDE_APIKEY}`: the client never writes the API key into a pipeline, where the engine would
 * store it with the task for anyone who may read the task's pipeline.
 */
export function substituteEnv<T>(value: T, env: EnvMap): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => (name === ENV_APIKEY ? whole : (env[name] ?? whole))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substituteEnv(v, env)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env);
    return out as T;
  }
  return value;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The environment as a client exposes it (`client.env`): every variable readable as usual, but
 * `ROCKETRIDE_APIKEY` is not enumerable, so `JSON.stringify`, `util.inspect`, `Object.keys` and
 * spreading leave it out; `util.inspect` with `showHidden` shows it as `***`.
 */
export function protectEnv(env: EnvMap): EnvMap {
  const view: EnvMap = {};
  for (const [k, v] of Object.entries(env)) {
    if (k === ENV_APIKEY) Object.defineProperty(view, k, { value: v, enumerable: false, writable: true, configurable: true });
    else view[k] = v;
  }
  Object.defineProperty(view, INSPECT, {
    enumerable: false,
    value(this: EnvMap, _depth: number, options: { showHidden?: boolean }, inspect: (v: unknown, o?: unknown) => string): unknown {
      if (options?.showHidden !== true || this[ENV_APIKEY] === undefined) return this;
      return inspect({ ...this, [ENV_APIKEY]: '***' }, options);
    },
  });
  return view;
}
