/**
 * The namespace subcommands of `rrext_store`: `fs_stat`, `fs_list_dir`, `fs_mkdir`, `fs_rmdir`, `fs_delete`,
 * `fs_rename`.
 */
import { serverFailure } from '../failure.js';
import type { StoreCall, StoreResult } from './handle-commands.js';
import { DIR_MARKER, attributeError, isAtOrUnder, keyOf, normalizeStorePath, storageKey } from './paths.js';
import { messageOf } from './oserror.js';

const failure = (message: string, file: string, lineno: number) => serverFailure(message, file, lineno);

/** Python's `sorted()` of strings: code-point order (not UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * `fs_stat {path}` → `{exists:false}`, `{exists:true, type:"dir"}` (a file lies below it), `{exists:true,
 * type:"file", size, modified}`, or `type:"both"` when both hold.
 */
export async function fsStat({ store, userId, args }: StoreCall): Promise<StoreResult> {
  const key = keyOf(userId, args.path);
  const files = await store.backend.listFiles(key);
  const isDir = files.some((f) => f !== key && isAtOrUnder(f, key));
  const info = await store.backend.fileInfo(key);
  if (isDir && info) return { exists: true, type: 'both', size: info.size, modified: info.modified };
  if (isDir) return { exists: true, type: 'dir' };
  if (info) return { exists: true, type: 'file', size: info.size, modified: info.modified };
  return { exists: false };
}

/**
 * `fs_list_dir {path}` (default the root) → `{entries, count}`: immediate children sorted by name, a directory for
 * every name with a file below it, the `.dirmarker` sentinel hidden. A missing directory or a file lists nothing.
 */
export async function fsListDir({ store, userId, args }: StoreCall): Promise<StoreResult> {
  const key = keyOf(userId, args.path === undefined ? '' : args.path);
  const prefix = `${key}/`;
  const kinds = new Map<string, 'file' | 'dir'>();
  for (const f of await store.backend.listFiles(key)) {
    if (!f.startsWith(prefix)) continue;
    const parts = f.slice(prefix.length).split('/');
    const name = parts[0]!;
    if (name === DIR_MARKER) continue;
    if (parts.length > 1) kinds.set(name, 'dir');
    else if (!kinds.has(name)) kinds.set(name, 'file');
  }
  const entries: Record<string, unknown>[] = [];
  for (const name of [...kinds.keys()].sort(compareCodePoints)) {
    if (kinds.get(name) === 'dir') {
      entries.push({ name, type: 'dir' });
      continue;
    }
    const info = await store.backend.fileInfo(`${prefix}${name}`);
    entries.push(info ? { name, type: 'file', size: info.size, modified: info.modified } : { name, type: 'file' });
  }
  return { entries, count: entries.length };
}

/** `fs_mkdir {path}`: writes the zero-byte `<path>/.dirmarker`. No body. */
export async function fsMkdir({ store, userId, args }: StoreCall): Promise<StoreResult> {
  if (typeof args.path !== 'string') throw attributeError(args.path, 'rstrip');
  const key = keyOf(userId, `${args.path.replace(/\/+$/, '')}/${DIR_MARKER}`);
  await store.backend.writeBytes(key, Buffer.alloc(0));
  return undefined;
}

/**
 * `fs_rmdir {path, recursive}`: argument checks, the root refused, open handles below refused, then every file below
 * deleted (only `.dirmarker` unless `recursive`). A file counts as its own content (§16.D ⚠). No body.
 */
export async function fsRmdir({ store, userId, args }: StoreCall): Promise<StoreResult> {
  const raw = args.path;
  if (typeof raw !== 'string' || raw === '') throw failure('rmdir requires a non-empty "path" string', 'cmd_task.py', 672);
  const recursive = args.recursive === undefined ? false : args.recursive;
  if (typeof recursive !== 'boolean') throw failure('rmdir "recursive" must be a boolean', 'cmd_task.py', 675);
  const normalized = normalizeStorePath(raw);
  if (normalized === '') throw failure('rmdir requires a non-empty path', 'file_store.py', 415);
  const prefix = storageKey(userId, normalized);
  store.table(userId).assertNoneUnder(prefix, prefix);
  const files = await store.backend.listFiles(prefix);
  const content = files.filter((f) => !f.endsWith(`/${DIR_MARKER}`));
  if (!recursive && content.length > 0) throw failure(`Directory not empty: ${raw}`, 'file_store.py', 428);
  const errors: string[] = [];
  for (const f of files) {
    try {
      await store.backend.deleteFile(f);
    } catch (err) {
      errors.push(`${f}: ${messageOf(err)}`);
    }
  }
  if (errors.length > 0) {
    throw failure(`rmdir partial failure (${errors.length} file(s)): ${errors.join('; ')}`, 'file_store.py', 438);
  }
  return undefined;
}

/** `fs_delete {path}`: one file; refused while it is open for writing. No body. */
export async function fsDelete({ store, userId, args }: StoreCall): Promise<StoreResult> {
  const key = keyOf(userId, args.path);
  if (store.table(userId).isLocked(key)) {
    throw failure(`Cannot delete file while it is open for writing: ${args.path as string}`, 'file_store.py', 372);
  }
  await store.backend.deleteFile(key);
  return undefined;
}

/**
 * `fs_rename {old_path, new_path}`: copy + delete. Whatever `old_path` lists (its files, or itself when it is a file)
 * moves below `new_path`, which must not exist; handles under either side refuse it. With nothing to list, the file
 * branch applies (its lock messages, then `File not found`). No body.
 */
export async function fsRename({ store, userId, args }: StoreCall): Promise<StoreResult> {
  const oldPath = args.old_path;
  const newPath = args.new_path;
  if (typeof oldPath !== 'string' || oldPath === '') {
    throw failure('rename requires a non-empty "old_path" string', 'cmd_task.py', 712);
  }
  if (typeof newPath !== 'string' || newPath === '') {
    throw failure('rename requires a non-empty "new_path" string', 'cmd_task.py', 714);
  }
  const oldKey = keyOf(userId, oldPath);
  const newKey = keyOf(userId, newPath);
  const table = store.table(userId);
  const backend = store.backend;
  const files = await backend.listFiles(oldKey);
  if (files.length > 0) {
    table.assertNoneUnder(oldKey, `${oldKey}/`);
    table.assertNoneUnder(newKey, `${newKey}/`);
    if ((await backend.listFiles(newKey)).length > 0) {
      throw failure(`Destination already exists: ${newPath}`, 'file_store.py', 467);
    }
    for (const f of files) {
      const dest = f === oldKey ? newKey : `${newKey}/${f.slice(oldKey.length + 1)}`;
      await backend.copy(f, dest);
      await backend.deleteFile(f);
    }
    return undefined;
  }
  if (table.isLocked(oldKey)) throw failure(`Cannot rename file while it is open for writing: ${oldPath}`, 'file_store.py', 482);
  if (table.isLocked(newKey)) throw failure(`Cannot rename onto file that is open for writing: ${newPath}`, 'file_store.py', 484);
  if (await backend.fileInfo(newKey)) throw failure(`Destination already exists: ${newPath}`, 'file_store.py', 492);
  await backend.copy(oldKey, newKey);
  await backend.deleteFile(oldKey);
  return undefined;
}
