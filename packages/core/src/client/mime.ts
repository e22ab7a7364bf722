import { lookup } from 'mime-types';

/** The fallback MIME type for unknown content. */
export const OCTET_STREAM = 'application/octet-stream';

/** The MIME type of a file name, or `application/octet-stream`. */
export function mimeTypeOf(name: unknown): string {
  if (typeof name !== 'string' || name === '') return OCTET_STREAM;
  return lookup(name) || OCTET_STREAM;
}
