import { extname } from 'node:path';
import { lookup } from 'mime-types';

/** The fallback MIME type for unknown content. */
export const OCTET_STREAM = 'application/octet-stream';

/**
 * The MIME type registered for a file name's extension, or undefined. A name without an extension
 * has no type: `mime-types` would read a bare name such as `f` or `c` as an extension (Fortran, C).
 */
export function lookupMimeType(name: unknown): string | undefined {
  if (typeof name !== 'string' || extname(name) === '') return undefined;
  return lookup(name) || undefined;
}

/** The MIME type of a file name, or `application/octet-stream`. */
export function mimeTypeOf(name: unknown): string {
  return lookupMimeType(name) ?? OCTET_STREAM;
}
