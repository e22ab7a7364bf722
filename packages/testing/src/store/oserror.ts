/**
 * Operating-system errors as the upstream filesystem backend reports them: Python's `str(OSError)`,
 * `[Errno 21] Is a directory: '<absolute path>'`. Linux numbers and texts.
 */
import { pyReprString } from './pytext.js';

const ERRORS: Record<string, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EIO: [5, 'Input/output error'],
  EBADF: [9, 'Bad file descriptor'],
  EACCES: [13, 'Permission denied'],
  EBUSY: [16, 'Device or resource busy'],
  EEXIST: [17, 'File exists'],
  EXDEV: [18, 'Invalid cross-device link'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  EMFILE: [24, 'Too many open files'],
  EFBIG: [27, 'File too large'],
  ENOSPC: [28, 'No space left on device'],
  EROFS: [30, 'Read-only file system'],
  ENAMETOOLONG: [36, 'File name too long'],
  ENOTEMPTY: [39, 'Directory not empty'],
  ELOOP: [40, 'Too many levels of symbolic links'],
};

/** An OS error to report: the Node error code and the absolute path the failing call was made on. */
export class OsError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
  ) {
    const known = ERRORS[code];
    super(known ? `[Errno ${known[0]}] ${known[1]}: ${pyReprString(path)}` : `[Errno ?] ${code}: ${pyReprString(path)}`);
    this.name = 'OsError';
  }
}

/** The Node error code of `err`, or `'EIO'`. */
export function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** Rethrows a Node filesystem error as an {@link OsError} on `path`. */
export function osError(err: unknown, path: string): OsError {
  return err instanceof OsError ? err : new OsError(codeOf(err), path);
}

/** The message of anything thrown, as Python's `str(e)`. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
