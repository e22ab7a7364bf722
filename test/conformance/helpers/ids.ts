import { createHash } from 'node:crypto';

/** RFC 4122 namespace for URLs. */
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** Name-based UUID version 5 (SHA-1), as Python's `uuid.uuid5`. */
export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The objectId the engine derives for a stream object named `name` (PROTOCOL.md §12.1). */
export const streamObjectId = (name: string) => uuid5(NAMESPACE_URL, `null://Stream/${name}`);

/**
 * Python's `json.dumps(obj, sort_keys=True)` for a flat object of strings (separators `", "` and
 * `": "`), which is what the server hashes into task tokens (§5.2 step 6).
 */
function pyDumpsSorted(obj: Record<string, string>): string {
  const parts = Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}: ${JSON.stringify(obj[k])}`);
  return `{${parts.join(', ')}}`;
}

const sha32 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

/** The server-generated task token for a project/source/user (§5.2 step 6). */
export const taskToken = (projectId: string, source: string, userId = 'local') =>
  `tk_${sha32(pyDumpsSorted({ project_id: projectId, source, userId }))}`;

/** The public token for a project/source (§5.2 step 6). */
export const publicToken = (projectId: string, source: string) =>
  `pk_${sha32(pyDumpsSorted({ project_id: projectId, source }))}`;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
