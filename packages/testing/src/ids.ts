import { createHash, randomUUID } from 'node:crypto';

/** RFC 4122 namespace for URLs. */
export const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

function escapePy(text: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters like Python; Python's default
  // ensure_ascii additionally escapes everything outside printable ASCII (DEL included) as lowercase \uXXXX.
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The text Python's `json.dumps(value, sort_keys=True)` produces with its default separators (`", "`, `": "`) and
 * `ensure_ascii=True`. Covers JSON-compatible values.
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapePy(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) ? String(value) : String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${escapePy(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
  }
  return 'null';
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The server-generated task token: `tk_` + sha256 of the sorted JSON of project, source and user, 32 hex digits. */
export function taskToken(projectId: string, source: string, userId = 'local'): string {
  return `tk_${sha256Hex(pyJsonDumps({ project_id: projectId, source, userId })).slice(0, 32)}`;
}

/** The public task token: `pk_` + sha256 of the sorted JSON of project and source, 32 hex digits. */
export function publicToken(projectId: string, source: string): string {
  return `pk_${sha256Hex(pyJsonDumps({ project_id: projectId, source })).slice(0, 32)}`;
}

/** Task display id: the first 8 characters of the token without its `tk_`/`pk_` prefix, a dot, the source. */
export function taskId(token: string, source: string): string {
  const bare = token.startsWith('tk_') || token.startsWith('pk_') ? token.slice(3) : token;
  return `${bare.slice(0, 8)}.${source}`;
}

/** A random UUID version 4. */
export function uuid4(): string {
  return randomUUID();
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`Not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function formatUuid(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A name-based UUID version 5 (SHA-1), as Python's `uuid.uuid5(namespace, name)`. */
export function uuid5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return formatUuid(Buffer.from(digest));
}
