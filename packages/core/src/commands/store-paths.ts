import { ValidationError } from '../errors/validation-error.js';

/**
 * Characters the engine refuses in a store path segment (PROTOCOL.md §16.B.4), besides those below U+0020.
 * The official SDKs check all but `:`, which the engine then refuses anyway.
 */
const INVALID = new Set(['*', '?', '<', '>', '|', '"', ':']);

function hasInvalidChar(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 0x20 || INVALID.has(segment[i]!)) return true;
  }
  return false;
}

/**
 * Applies the engine's path rules on the client, in the engine's order, so a path the engine
 * would refuse is refused before anything is sent, with the engine's own message:
 * every `\` becomes `/`; leading `/` are dropped (an absolute path means the same relative one); a `..` segment →
 * `ERR_STORE_PATH_TRAVERSAL` (`Path traversal not allowed: <path>`); a segment with `* ? < > | " :` or a control
 * character → `ERR_STORE_PATH_CHARS` (`Path contains invalid characters: <path>`); then empty and `.` segments and a
 * trailing `/` disappear. Returns the normalised path (`''` is the store root), which is what gets sent.
 * @throws ValidationError `ERR_STORE_PATH` when `path` is not a string.
 */
export function normalizeStorePath(path: unknown, name = 'path'): string {
  if (typeof path !== 'string') {
    throw new ValidationError(`${name} must be a string, got ${path === null ? 'null' : typeof path}`, { code: 'ERR_STORE_PATH' });
  }
  const shown = path.replace(/\\/g, '/').replace(/^\/+/, '');
  const segments = shown.split('/');
  if (segments.includes('..')) {
    throw new ValidationError(`Path traversal not allowed: ${shown}`, { code: 'ERR_STORE_PATH_TRAVERSAL' });
  }
  if (segments.some(hasInvalidChar)) {
    throw new ValidationError(`Path contains invalid characters: ${shown}`, { code: 'ERR_STORE_PATH_CHARS' });
  }
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * {@link normalizeStorePath} for an operation on one file or directory, which the store root cannot be.
 * @throws ValidationError `ERR_STORE_PATH` for a path that normalises to the root (`''`, `/`, `.`).
 */
export function storeEntryPath(path: unknown, name = 'path'): string {
  const normalized = normalizeStorePath(path, name);
  if (normalized === '') {
    throw new ValidationError(`${name} must name a file or directory below the store root, got ${JSON.stringify(path)}`, {
      code: 'ERR_STORE_PATH',
    });
  }
  return normalized;
}

/**
 * Checks one id used as a file name (template ids, project ids, log sources): non-empty, no `/`
 * or `\`, none of the characters {@link normalizeStorePath} refuses.
 * @throws ValidationError `ERR_STORE_ID`.
 */
export function requireStoreId(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`${name} is required (a non-empty string)`, { code: 'ERR_STORE_ID' });
  }
  if (value.includes('/') || value.includes('\\')) {
    throw new ValidationError(`${name} must not contain path separators: ${value}`, { code: 'ERR_STORE_ID' });
  }
  if (hasInvalidChar(value) || value === '.' || value === '..') {
    throw new ValidationError(`${name} contains invalid characters: ${value}`, { code: 'ERR_STORE_ID' });
  }
}

/** The parent folder of a normalised path (`''` for the root) and the last segment. */
export function splitStorePath(path: string): { dir: string; base: string } {
  const i = path.lastIndexOf('/');
  return i === -1 ? { dir: '', base: path } : { dir: path.slice(0, i), base: path.slice(i + 1) };
}

/** `dir/name`, or `name` at the root. */
export function joinStorePath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
