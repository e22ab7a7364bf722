/**
 * Store path rules, as the server applies them: every `path`, `old_path` and `new_path` is normalised, checked and
 * placed under the caller's namespace `users/<userId>/files/`.
 */
import { serverFailure } from '../failure.js';
import { pyTypeName } from './pytext.js';

/** Characters refused inside a path segment, besides everything below U+0020. */
const INVALID_SEGMENT_CHARS = new Set(['*', '?', '<', '>', '|', '"', ':']);

/** Sentinel file that makes an empty directory visible (`fs_mkdir`, §16.D). */
export const DIR_MARKER = '.dirmarker';

/** A path that is not a string fails with Python's attribute-error text (`'NoneType' object has no attribute 'replace'`). */
export function attributeError(value: unknown, attribute: string): Error {
  return serverFailure(`'${pyTypeName(value)}' object has no attribute '${attribute}'`, 'file_store.py', 603);
}

/**
 * Applies the rules of §16.B.4 in order: `\` → `/`, leading `/` dropped, `..` segments and invalid characters
 * refused (messages show the path after the first two steps), then POSIX normalisation (empty and `.` segments and a
 * trailing `/` vanish). Returns the normalised relative path; `''` is the store root.
 */
export function normalizeStorePath(raw: unknown): string {
  if (typeof raw !== 'string') throw attributeError(raw, 'replace');
  const path = raw.replace(/\\/g, '/').replace(/^\/+/, '');
  const parts = path.split('/');
  if (parts.includes('..')) throw serverFailure(`Path traversal not allowed: ${path}`, 'file_store.py', 611);
  for (const part of parts) {
    if (part === '') continue;
    for (const ch of part) {
      if (INVALID_SEGMENT_CHARS.has(ch) || ch.codePointAt(0)! < 0x20) {
        throw serverFailure(`Path contains invalid characters: ${path}`, 'file_store.py', 615);
      }
    }
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** The storage key of a normalised path: `users/<userId>/files/<path>`, or `users/<userId>/files` for the root. */
export function storageKey(userId: string, normalized: string): string {
  return normalized === '' ? `users/${userId}/files` : `users/${userId}/files/${normalized}`;
}

/** Normalises `raw` and returns its storage key. */
export function keyOf(userId: string, raw: unknown): string {
  return storageKey(userId, normalizeStorePath(raw));
}

/** True when `key` is `prefix` itself or lies below it (`prefix` without trailing slash). */
export function isAtOrUnder(key: string, prefix: string): boolean {
  return key === prefix || key.startsWith(`${prefix}/`);
}
