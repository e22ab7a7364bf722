#!/usr/bin/env node
// After `changeset version`: copies the new version of each package that states its own version in
// its source (core: the clientVersion it reports to the engine; cli: `--version`) into src/version.ts.
// The pack smoke test fails when a packed package's VERSION export differs from its package.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const dir of ['core', 'cli']) {
  const { version } = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  const file = join(root, 'packages', dir, 'src', 'version.ts');
  const before = readFileSync(file, 'utf8');
  const after = before.replace(/VERSION = '[^']*'/, `VERSION = '${version}'`);
  if (!after.includes(`VERSION = '${version}'`)) throw new Error(`${file} has no VERSION = '…' to update`);
  if (after !== before) writeFileSync(file, after);
  console.log(`packages/${dir}/src/version.ts: ${version}`);
}
