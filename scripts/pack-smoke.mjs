#!/usr/bin/env node
// Packs every publishable workspace package, installs the tarballs into a throw-away folder (their
// third-party dependencies linked from the workspace, so no registry is needed), and loads each one
// from a CommonJS consumer (require) and from an ES module consumer (import). Both must load, export
// the same non-empty set of names, and agree with the names listed in the package's README check.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'rr-pack-smoke-'));
const modules = join(work, 'node_modules');
mkdirSync(modules);

const pkgs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
const names = new Set(pkgs.map((p) => p.json.name));

function place(name, target) {
  const dest = join(modules, name);
  if (existsSync(dest)) return;
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(target, dest, 'dir');
}

let failed = 0;
try {
  for (const { dir, json } of pkgs) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
    const dest = join(modules, json.name);
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', out, '-C', dest, '--strip-components=1']);
    // Third-party dependencies (and peers) come from the workspace install, resolved from the package.
    for (const dep of [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.peerDependencies ?? {})]) {
      if (names.has(dep)) continue;
      const candidates = [join(dir, 'node_modules', dep), join(root, 'node_modules', dep)];
      const found = candidates.find((c) => existsSync(c));
      if (!found) throw new Error(`${json.name}: dependency ${dep} is not installed in the workspace`);
      place(dep, realpathSync(found));
    }
  }
  for (const { json } of pkgs) {
    const cjs = join(work, `consumer-${json.name.replace(/[@/]/g, '_')}.cjs`);
    const mjs = join(work, `consumer-${json.name.replace(/[@/]/g, '_')}.mjs`);
    writeFileSync(cjs, `const m = require(${JSON.stringify(json.name)}); console.log(JSON.stringify(Object.keys(m).sort()));\n`);
    writeFileSync(mjs, `const m = await import(${JSON.stringify(json.name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));\n`);
    const fromCjs = JSON.parse(execFileSync(process.execPath, [cjs], { cwd: work, encoding: 'utf8' }));
    const fromEsm = JSON.parse(execFileSync(process.execPath, [mjs], { cwd: work, encoding: 'utf8' }));
    const same = JSON.stringify(fromCjs) === JSON.stringify(fromEsm);
    const ok = same && fromCjs.length > 0;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${json.name}: require and import load ${fromCjs.length} exports${same ? '' : ' (they differ!)'}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`pack smoke: ${pkgs.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
