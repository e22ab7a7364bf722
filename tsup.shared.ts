import type { Options } from 'tsup';

/**
 * The build every published package shares: `src/index.ts` as ES module and CommonJS, each with its
 * type declarations and source maps, for Node 20, in one file per format (no code splitting).
 * A package's `tsup.config.ts` is `export default library()`, plus `bin(...)` entries if it ships one.
 */
export function library(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

/**
 * An executable built next to the library: ES module only, no declarations, and no `clean` (it runs
 * alongside `library()` and must not delete its output). The shebang comes either from the entry's
 * first line (esbuild keeps it) or from `overrides.banner`.
 */
export function bin(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: false,
    ...overrides,
  };
}
