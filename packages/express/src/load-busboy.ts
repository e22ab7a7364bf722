import type busboy from 'busboy';
import { multipartUnsupported } from './upload-errors.js';

/** busboy's factory: `busboy({ headers, limits })` → a `Writable` parser emitting `'file'` streams. */
export type BusboyFactory = typeof busboy;

let loaded: BusboyFactory | undefined;

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Loads the optional peer `busboy` on first use, so applications that never take a form need not
 * install it. Not installed → `ERR_MULTIPART_UNSUPPORTED` (answered 415); any other failure to load is
 * rethrown as is.
 */
export async function loadBusboy(): Promise<BusboyFactory> {
  if (loaded) return loaded;
  let mod: { default?: BusboyFactory };
  try {
    mod = (await import('busboy')) as { default?: BusboyFactory };
  } catch (error) {
    if (NOT_FOUND.has((error as { code?: unknown })?.code as string)) throw multipartUnsupported(error);
    throw error;
  }
  loaded = mod.default ?? (mod as unknown as BusboyFactory);
  return loaded;
}
