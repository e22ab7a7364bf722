/** What a credential is replaced with wherever the library shows one. */
export const REDACTED = '***';

/** Field names whose values are credentials (compared case-insensitively, `-`/`_` ignored). */
const SECRET_FIELDS = new Set([
  'auth',
  'authorization',
  'usertoken',
  'apikey',
  'rocketrideapikey',
  'password',
  'secret',
  'credential',
  'credentials',
  'accesstoken',
  'refreshtoken',
  'verifier',
  'codeverifier',
]);

/** Whether a field of this name holds a credential. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.replace(/[-_]/g, '').toLowerCase());
}

const MAX_DEPTH = 8;

/**
 * A copy of a JSON-like value with every credential field (`auth`, `userToken`, `apiKey`,
 * `ROCKETRIDE_APIKEY`, `authorization`, …) replaced by {@link REDACTED}. Plain objects and arrays are
 * copied (cycles and depths beyond 8 are cut); anything else is kept as it is.
 */
export function redactSecrets(value: unknown): unknown {
  return copy(value, 0, new WeakSet());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const isArray = Array.isArray(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!isArray && proto !== Object.prototype && proto !== null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return isArray ? '[Array]' : '[Object]';
  seen.add(value);
  let out: unknown;
  if (isArray) {
    out = (value as unknown[]).map((v) => copy(v, depth + 1, seen));
  } else {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      o[k] = isSecretField(k) && v !== undefined && v !== null && v !== '' ? REDACTED : copy(v, depth + 1, seen);
    }
    out = o;
  }
  seen.delete(value);
  return out;
}
