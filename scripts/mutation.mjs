#!/usr/bin/env node
// `pnpm mutation [group…]`: StrykerJS over the data-path modules, one run per group (see each
// package's mutation-groups.mjs). Slow (minutes per group on 2 cores), so not part of `pnpm test`.
// Scores: packages/<pkg>/reports/mutation/<group>.html; recorded in bench/MUTATION.md.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const all = {
  codec: 'core',
  pending: 'core',
  'pipe-protocol': 'core',
  'pipe-channel': 'core',
  utf8: 'streams',
  'byte-queue': 'streams',
  session: 'streams',
  'pipe-writable': 'streams',
};
const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in all)) throw new Error(`unknown group "${name}"; one of ${Object.keys(all).join(', ')}`);
// The package exports no bin path, so find the bin beside its package.json.
const stryker = join(dirname(fileURLToPath(import.meta.resolve('@stryker-mutator/core/package.json'))), 'bin/stryker.js');
let failed = false;
for (const [name, pkg] of Object.entries(all)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const cwd = fileURLToPath(new URL(`../packages/${pkg}/`, import.meta.url));
  const result = spawnSync(process.execPath, [stryker, 'run'], { cwd, stdio: 'inherit', env: { ...process.env, MUTATION_GROUP: name } });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
