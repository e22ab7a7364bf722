import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

/**
 * Shared vitest settings: workspace packages resolve to their TypeScript sources, so a test run needs
 * no prior build and every package sees the same module instances.
 */
export const shared = defineConfig({
  resolve: {
    alias: [
      { find: /^@rocketride-streams\/core$/, replacement: pkg('core') },
      { find: /^@rocketride-streams\/core\/internal$/, replacement: fileURLToPath(new URL('./packages/core/src/internal.ts', import.meta.url)) },
      { find: /^@rocketride-streams\/testing$/, replacement: pkg('testing') },
      { find: /^@rocketride-streams\/streams$/, replacement: pkg('streams') },
      { find: /^@rocketride-streams\/rx$/, replacement: pkg('rx') },
      { find: /^@rocketride-streams\/pool$/, replacement: pkg('pool') },
      { find: /^rocketride-streams$/, replacement: pkg('rocketride-streams') },
      { find: /^@rocketride-streams\/nest$/, replacement: pkg('nest') },
      { find: /^@rocketride-streams\/express$/, replacement: pkg('express') },
      { find: /^@rocketride-streams\/cli$/, replacement: pkg('cli') },
    ],
  },
  test: {
    // Stryker's sandbox copies (`pnpm mutation`) are not tests of this tree.
    exclude: [...configDefaults.exclude, '**/.stryker-tmp/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    restoreMocks: true,
    // The JSON report feeds scripts/test-summary.mjs, which prints one closing line for the whole run.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
