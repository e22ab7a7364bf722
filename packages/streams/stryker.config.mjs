// Mutation testing of streams' data path: `pnpm mutation` at the root (slow, not part of `pnpm test`),
// which runs Stryker once per group of mutation-groups.mjs. Scores are recorded in bench/MUTATION.md.
import { fileURLToPath } from 'node:url';
import { groups } from './mutation-groups.mjs';

const name = process.env.MUTATION_GROUP ?? '';
if (!(name in groups)) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // pnpm keeps the runner out of Stryker's own node_modules, so its default plugin scan misses it.
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  testRunner: 'vitest',
  vitest: { configFile: fileURLToPath(new URL('./vitest.mutation.config.ts', import.meta.url)) },
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
