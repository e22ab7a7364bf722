#!/usr/bin/env node
// The second half of `pnpm test`: the same suites on the current Node LTS, after the first half ran
// them on the Node that started `pnpm test` (the oldest supported, 20, on CI). It takes Node from the
// `node` package of the npm registry (`npx -y node@24`, cached by npm after the first run), puts that
// binary first in PATH, and runs the build, every vitest suite and the pack smoke test with it.
// NODE_VERSION (set by scripts/turbo.mjs) is in turbo's hash, so nothing is replayed from the first
// half's cache. The first half's vitest reports are kept as .vitest-results.<node>.json and this
// half's are renamed the same way, so scripts/test-summary.mjs adds up both. Arguments are passed to
// turbo (e.g. `--filter=@rocketride-streams/cli` to try one package).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LTS = 'node@24';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every workspace folder that can hold a vitest report. */
function reportDirs() {
  return ['test', 'bench', 'packages/core/test', ...['packages', 'examples'].flatMap((d) => readdirSync(join(root, d)).map((n) => join(d, n)))].map((d) => join(root, d))
    .filter((d) => statSync(d).isDirectory());
}

/** Renames each `.vitest-results.json` to `.vitest-results.<label>.json`. */
function label(name) {
  for (const dir of reportDirs()) {
    const report = join(dir, '.vitest-results.json');
    if (existsSync(report)) renameSync(report, join(dir, `.vitest-results.${name}.json`));
  }
}

const node = execFileSync('npx', ['-y', LTS, '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
const version = execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
if (version === process.version) {
  console.error(`test-node-lts: ${LTS} is ${version}, the Node this run already used; nothing to add`);
  process.exit(1);
}
label(`node${process.versions.node.split('.')[0]}`);
console.log(`\n=== the suites again on Node ${version} (${LTS}), after Node ${process.version} ===\n`);
const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` };
const steps = [
  [join(root, 'scripts', 'turbo.mjs'), 'run', 'build', 'test', '--concurrency=2', ...process.argv.slice(2)],
  [join(root, 'scripts', 'pack-smoke.mjs')],
];
let status = 0;
for (const args of steps) {
  const result = spawnSync(node, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  status ||= result.status ?? 1;
  if (status) break;
}
label(`node${version.slice(1).split('.')[0]}`);
process.exit(status);
