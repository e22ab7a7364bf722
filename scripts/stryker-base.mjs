// The Stryker options every package's stryker.config.mjs shares (`pnpm mutation`, see scripts/mutation.mjs).
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The options for the group named by MUTATION_GROUP. `packageUrl` is the `import.meta.url` of the package's own
 * stryker.config.mjs: the vitest runner plugin and vitest.mutation.config.ts are resolved from that package, as if
 * the config named them itself.
 * @param {string} packageUrl
 * @param {Record<string, { mutate: string[] }>} groups the package's mutation-groups.mjs
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig(packageUrl, groups) {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by scripts/mutation.mjs, which turbo never runs
  const name = process.env.MUTATION_GROUP ?? '';
  if (!(name in groups)) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(', ')}`);
  return {
    // pnpm keeps the runner out of Stryker's own node_modules, so its default plugin scan misses it.
    plugins: [pathToFileURL(createRequire(packageUrl).resolve('@stryker-mutator/vitest-runner')).href],
    testRunner: 'vitest',
    vitest: { configFile: fileURLToPath(new URL('./vitest.mutation.config.ts', packageUrl)) },
    coverageAnalysis: 'perTest',
    mutate: groups[name].mutate,
    concurrency: 2,
    timeoutMS: 10_000,
    reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  };
}
