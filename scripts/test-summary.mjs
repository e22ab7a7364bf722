#!/usr/bin/env node
// Adds up the vitest JSON reports every workspace package wrote during `pnpm test` and prints one
// closing line for the whole run: "tests: N passed, N failed, N skipped". A package's reports are
// `.vitest-results.json` and, after scripts/test-node-lts.mjs, one `.vitest-results.node<major>.json`
// per Node the suites ran on. With --clean, deletes old reports first, so a package whose tests did not
// run cannot be counted.
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = ['test', 'bench', 'packages/core/test', ...['packages', 'examples'].flatMap((d) => readdirSync(join(root, d)).map((n) => join(d, n)))];
const reports = dirs.filter((d) => statSync(join(root, d)).isDirectory()).flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => /^\.vitest-results(\.node\d+)?\.json$/.test(f))
    .sort()
    .map((f) => join(root, d, f)),
);

if (process.argv.includes('--clean')) {
  for (const f of reports) rmSync(f);
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of reports) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  console.log(`${f.slice(root.length + 1).padEnd(64)} ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
