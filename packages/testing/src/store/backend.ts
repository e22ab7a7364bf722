/**
 * The filesystem backend of the store, as upstream's: storage key `users/<userId>/files/<path>` is the file
 * `<root>/users/<userId>/files/<path>`. Directories are implicit: one exists while a file lies below it. Failures
 * carry the upstream backend's messages, storage keys and absolute paths included.
 *
 * Write handles stage their bytes in a file of `partialDir` (on the same filesystem) and move it into place when
 * committed, so that bytes written to a handle that is never closed never show up at the path. Whether the old file
 * is truncated at open (HEAD, §16.C.8) is the caller's choice.
 */
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { type FileHandle, copyFile, mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { serverFailure } from '../failure.js';
import { OsError, codeOf, messageOf, osError } from './oserror.js';

/** State of an open write handle. */
export interface WriteContext {
  readonly staging: string;
  readonly file: FileHandle;
  position: number;
}

/** State of an open read handle. */
export interface ReadContext {
  readonly file: FileHandle;
}

export interface FileInfo {
  size: number;
  /** Modification time in epoch seconds. */
  modified: number;
}

const backendFailure = (message: string, lineno: number) => serverFailure(message, 'filesystem.py', lineno);

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Creates `dir` and its missing parents; fails like Python's `Path.mkdir(parents=True, exist_ok=True)`. */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT' && dirname(dir) !== dir) {
      await makeDirs(dirname(dir));
      try {
        await mkdir(dir);
      } catch (again) {
        if (!(await statOrUndefined(dir))?.isDirectory()) throw osError(again, dir);
      }
      return;
    }
    if (!(await statOrUndefined(dir))?.isDirectory()) throw osError(err, dir);
  }
}

export class FsBackend {
  /**
   * @param root Absolute, symlink-free store root.
   * @param partialDir Where write handles stage their bytes, on the same filesystem as `root`.
   */
  constructor(
    readonly root: string,
    readonly partialDir: string,
  ) {}

  /** The absolute path of a storage key. */
  abs(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /**
   * Storage keys of the files at or below `prefix` (a key without trailing slash): the key itself when it names a
   * file (the filesystem quirk of §16.D), every file below it when it names a directory, else none.
   */
  async listFiles(prefix: string): Promise<string[]> {
    const st = await statOrUndefined(this.abs(prefix));
    if (!st) return [];
    if (st.isFile()) return [prefix];
    if (!st.isDirectory()) return [];
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) await walk(join(dir, e.name), `${keyPrefix}/${e.name}`);
        else if (e.isFile()) keys.push(`${keyPrefix}/${e.name}`);
      }
    };
    await walk(this.abs(prefix), prefix);
    return keys;
  }

  /** Size and modification time of a regular file; undefined when `key` is not one. */
  async fileInfo(key: string): Promise<FileInfo | undefined> {
    const st = await statOrUndefined(this.abs(key));
    if (!st?.isFile()) return undefined;
    return { size: st.size, modified: st.mtimeMs / 1000 };
  }

  /** Writes a whole file, creating its parents (`fs_mkdir`'s marker, the copies of `fs_rename`). */
  async writeBytes(key: string, data: Buffer): Promise<void> {
    const path = this.abs(key);
    try {
      await makeDirs(dirname(path));
      await writeFile(path, data).catch((err: unknown) => {
        throw osError(err, path);
      });
    } catch (err) {
      throw backendFailure(`Failed to write file ${key}: ${messageOf(err)}`, 231);
    }
  }

  /** Copies a whole file to `destKey`, creating its parents (the copy step of `fs_rename`'s copy + delete). */
  async copy(srcKey: string, destKey: string): Promise<void> {
    const src = this.abs(srcKey);
    const st = await statOrUndefined(src);
    if (!st) throw backendFailure(`File not found: ${srcKey}`, 243);
    if (st.isDirectory()) throw backendFailure(`Failed to read file ${srcKey}: ${new OsError('EISDIR', src).message}`, 248);
    const dest = this.abs(destKey);
    try {
      await makeDirs(dirname(dest));
      await copyFile(src, dest).catch((err: unknown) => {
        throw osError(err, dest);
      });
    } catch (err) {
      throw backendFailure(`Failed to write file ${destKey}: ${messageOf(err)}`, 231);
    }
  }

  /** Deletes one file; a directory fails with `[Errno 21] Is a directory`. */
  async deleteFile(key: string): Promise<void> {
    const path = this.abs(key);
    if (!(await statOrUndefined(path))) throw backendFailure(`File not found: ${key}`, 173);
    try {
      await unlink(path);
    } catch (err) {
      // Linux unlink(2) says EISDIR for a directory; some systems say EPERM.
      const st = await statOrUndefined(path);
      throw backendFailure(`Failed to delete file ${key}: ${new OsError(st?.isDirectory() ? 'EISDIR' : codeOf(err), path).message}`, 214);
    }
  }

  /**
   * Opens a write handle on `key`: creates the parents, then either truncates the file in place (`truncate`, as the
   * upstream filesystem backend does) or only checks that the path can take a file, and opens a staging file.
   */
  async openWrite(key: string, truncate: boolean): Promise<WriteContext> {
    const path = this.abs(key);
    try {
      await makeDirs(dirname(path));
      if (truncate) {
        const f = await open(path, 'w').catch((err: unknown) => {
          throw osError(err, path);
        });
        await f.close();
      } else if ((await statOrUndefined(path))?.isDirectory()) {
        throw new OsError('EISDIR', path);
      }
      const staging = join(this.partialDir, randomUUID());
      return { staging, file: await open(staging, 'w'), position: 0 };
    } catch (err) {
      throw backendFailure(`Failed to open file ${key} for writing: ${messageOf(err)}`, 332);
    }
  }

  /** Appends a chunk to a write handle; returns its length. */
  async writeChunk(key: string, ctx: WriteContext, data: Buffer): Promise<number> {
    const at = ctx.position;
    ctx.position += data.length;
    try {
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await ctx.file.write(data, done, data.length - done, at + done);
        done += bytesWritten;
      }
      return data.length;
    } catch (err) {
      throw backendFailure(`Failed to write chunk to ${key}: ${messageOf(err)}`, 341);
    }
  }

  /** Commits a write handle: its staged bytes become the file at `key`. */
  async commit(key: string, ctx: WriteContext): Promise<void> {
    const path = this.abs(key);
    try {
      await ctx.file.close();
      await rename(ctx.staging, path).catch((err: unknown) => {
        throw osError(err, path);
      });
    } catch (err) {
      await unlink(ctx.staging).catch(() => {});
      throw backendFailure(`Failed to close file ${key}: ${messageOf(err)}`, 350);
    }
  }

  /** Drops a write handle without committing it. */
  async discard(ctx: WriteContext): Promise<void> {
    await ctx.file.close().catch(() => {});
    await unlink(ctx.staging).catch(() => {});
  }

  /** Opens a read handle; returns it with the file's size. */
  async openRead(key: string): Promise<{ ctx: ReadContext; size: number }> {
    const path = this.abs(key);
    const st = await statOrUndefined(path);
    if (!st) throw backendFailure(`File not found: ${key}`, 361);
    try {
      if (st.isDirectory()) throw new OsError('EISDIR', path);
      const file = await open(path, 'r').catch((err: unknown) => {
        throw osError(err, path);
      });
      return { ctx: { file }, size: st.size };
    } catch (err) {
      throw backendFailure(`Failed to open file ${key} for reading: ${messageOf(err)}`, 368);
    }
  }

  /**
   * Reads up to `length` bytes at `offset` from a read handle (none at or past the end). The bytes start at
   * `headroom` in the returned buffer, leaving room for a frame header in front of them.
   */
  async readChunk(key: string, ctx: ReadContext, offset: number, length: number, headroom = 0): Promise<Buffer> {
    try {
      const { size } = await ctx.file.stat();
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(headroom + n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await ctx.file.read(buf, headroom + got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, headroom + got);
    } catch (err) {
      throw backendFailure(`Failed to read chunk from ${key}: ${messageOf(err)}`, 377);
    }
  }

  /** Closes a read handle. */
  async closeRead(ctx: ReadContext): Promise<void> {
    await ctx.file.close().catch(() => {});
  }
}
