import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library entry (`run(argv)`), loadable with require and import.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
  },
  {
    // The bin; src/bin.ts starts with its shebang, which esbuild keeps.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: false,
  },
]);
