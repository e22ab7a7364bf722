import { isObject } from '../util.js';

/** Prefix of the environment variables a client may pass with `execute` and a placeholder may name. */
const PREFIX = 'ROCKETRIDE_';

/** The `ROCKETRIDE_*` entries of an environment with a string value. */
export function rocketrideEnv(env: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(env)) return out;
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(PREFIX) && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The server's own `ROCKETRIDE_*` variables with the client's `execute.env` merged over them. */
export function mergeEnv(serverEnv: Record<string, string>, clientEnv: unknown): Record<string, string> {
  return { ...serverEnv, ...rocketrideEnv(clientEnv) };
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Replaces `${NAME}` in every string of a JSON value: a known `ROCKETRIDE_*` name by its value, an unknown one is
 * left as written, and a name with any other prefix becomes `<REDACTED>`
 * (an upstream quirk, reproduced).
 */
export function resolvePlaceholders<T>(value: T, env: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => {
      if (!name.startsWith(PREFIX)) return '<REDACTED>';
      return Object.hasOwn(env, name) ? env[name]! : whole;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolvePlaceholders(v, env)) as T;
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolvePlaceholders(v, env);
    return out as T;
  }
  return value;
}
