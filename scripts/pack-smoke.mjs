#!/usr/bin/env node
// Packs every publishable workspace package, installs the tarballs into a throw-away folder (their
// third-party dependencies and peers linked from the workspace, so no registry is needed, and only
// those the package.json declares), and then:
// 1. loads each one from a CommonJS consumer (require) and from an ES module consumer (import): both
//    must load and export the same non-empty set of names;
// 2. checks what the registry page and a first publish need: LICENSE (MIT), CHANGELOG.md with an entry
//    for the version, README.md, and repository (with its directory), homepage and bugs in the
//    package.json, `publishConfig.access: public` on a scoped package;
// 3. typechecks scripts/pack-consumer.ts, which imports every package, against the tarballs' .d.ts
//    files as a strict TypeScript user would: `strict`, no `skipLibCheck`, only @types/node besides
//    what the packages declare, under moduleResolution nodenext and node16 (as ES module and as
//    CommonJS) and bundler. A declaration that needs an undeclared package (e.g. `ws` types without
//    @types/ws) fails here with the consumer's own error (TS7016).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** The consumer's settings: strict, no skipLibCheck; nodenext/node16 check the ESM and the CommonJS side. */
const CONSUMER_SETTINGS = [
  { name: 'nodenext', compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' }, files: ['consumer-esm.mts', 'consumer-cjs.cts'] },
  { name: 'node16', compilerOptions: { module: 'Node16', moduleResolution: 'Node16' }, files: ['consumer-esm.mts', 'consumer-cjs.cts'] },
  { name: 'bundler', compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, files: ['consumer.ts'] },
];
/** Packages whose VERSION export is their own version (kept so by scripts/sync-versions.mjs). */
const OWN_VERSION = new Set(['@rocketride-streams/core', '@rocketride-streams/cli']);
const checks = 2 * pkgs.length + CONSUMER_SETTINGS.length;

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
  for (const { dir, json } of pkgs) {
    const problems = publishProblems(dir, join(modules, json.name));
    if (problems.length) failed++;
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${json.name}: publish metadata${problems.length ? `: ${problems.join('; ')}` : ''}`);
  }
  for (const { json } of pkgs) {
    const cjs = join(work, `consumer-${json.name.replace(/[@/]/g, '_')}.cjs`);
    const mjs = join(work, `consumer-${json.name.replace(/[@/]/g, '_')}.mjs`);
    writeFileSync(cjs, `const m = require(${JSON.stringify(json.name)}); console.log(JSON.stringify(Object.keys(m).sort()));\n`);
    writeFileSync(mjs, `const m = await import(${JSON.stringify(json.name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()));\n`);
    const fromCjs = JSON.parse(execFileSync(process.execPath, [cjs], { cwd: work, encoding: 'utf8' }));
    const fromEsm = JSON.parse(execFileSync(process.execPath, [mjs], { cwd: work, encoding: 'utf8' }));
    const same = JSON.stringify(fromCjs) === JSON.stringify(fromEsm);
    // A package that states its own version (scripts/sync-versions.mjs) must state the packed one.
    const stated = OWN_VERSION.has(json.name) ? execFileSync(process.execPath, ['-p', `require(${JSON.stringify(json.name)}).VERSION`], { cwd: work, encoding: 'utf8' }).trim() : json.version;
    const ok = same && fromCjs.length > 0 && stated === json.version;
    if (!ok) failed++;
    const notes = `${same ? '' : ' (they differ!)'}${stated === json.version ? '' : ` (VERSION is ${stated}, package.json says ${json.version})`}`;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${json.name}: require and import load ${fromCjs.length} exports${notes}`);
  }
  failed += typecheckConsumer();
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`pack smoke: ${checks - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/** What is missing from the packed package (`packed`, extracted) for a publish; `dir` is its source folder. */
function publishProblems(dir, packed) {
  const problems = [];
  const json = JSON.parse(readFileSync(join(packed, 'package.json'), 'utf8'));
  const read = (file) => (existsSync(join(packed, file)) ? readFileSync(join(packed, file), 'utf8') : undefined);
  const license = read('LICENSE');
  // pnpm pack falls back to the root LICENSE when a package has none; each package keeps its own copy.
  if (json.license !== 'MIT' || license !== readFileSync(join(root, 'LICENSE'), 'utf8')) problems.push('LICENSE is not the root MIT LICENSE');
  if (!existsSync(join(dir, 'LICENSE'))) problems.push(`no LICENSE in ${dir.slice(root.length + 1)}`);
  if (!read('CHANGELOG.md')?.includes(`\n## ${json.version}\n`)) problems.push(`CHANGELOG.md has no entry for ${json.version}`);
  if (!read('README.md')) problems.push('no README.md');
  const where = dir.slice(root.length + 1).split(/[\\/]/).join('/');
  if (!json.repository?.url || json.repository.directory !== where) problems.push(`repository.directory is not ${where}`);
  if (!json.homepage) problems.push('no homepage');
  if (!json.bugs?.url) problems.push('no bugs.url');
  if (json.name.startsWith('@') && json.publishConfig?.access !== 'public') problems.push('scoped without publishConfig.access "public"');
  return problems;
}

/** Typechecks the consumer under each module resolution; returns the number of failed runs. */
function typecheckConsumer() {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  place('@types/node', realpathSync(join(root, 'node_modules', '@types', 'node')));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'pack-smoke-consumer', private: true, type: 'module' }));
  const source = join(root, 'scripts', 'pack-consumer.ts');
  for (const file of ['consumer.ts', 'consumer-esm.mts', 'consumer-cjs.cts']) copyFileSync(source, join(work, file));
  let bad = 0;
  for (const { name, compilerOptions, files } of CONSUMER_SETTINGS) {
    const config = join(work, `tsconfig.${name}.json`);
    const options = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', lib: ['ES2023'], types: ['node'], ...compilerOptions };
    writeFileSync(config, JSON.stringify({ compilerOptions: options, files }, null, 2));
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', config], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || String(err);
    }
    if (output) bad++;
    console.log(`${output ? 'FAIL' : 'ok  '} consumer typecheck, moduleResolution ${name} (${files.join(', ')})${output ? `:\n${output}` : ''}`);
  }
  return bad;
}
