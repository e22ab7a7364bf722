// connect({ embedded: true }) in a separately installed package (issue 9, bug 11): the simulator is an
// optional peer, loaded only when embedded needs it, announced by one process warning, and a coded
// error when it is not installed. Checked in child processes against the built package, installed
// into a throw-away node_modules with and without @rocketride-streams/testing.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSimulator } from './simulator.js';

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));
let root: string;

/** A folder whose node_modules holds the built façade and its workspace dependencies (their dist). */
function install(withSimulator: boolean): string {
  const dir = join(root, withSimulator ? 'with-simulator' : 'without-simulator');
  if (existsSync(dir)) return dir;
  const scope = join(dir, 'node_modules', '@rocketride-streams');
  mkdirSync(scope, { recursive: true });
  // A copy, not a link: Node resolves a package's imports from its real path.
  cpSync(join(root, 'facade'), join(dir, 'node_modules', 'rocketride-streams'), { recursive: true });
  for (const name of ['core', 'streams', 'rx', 'pool', ...(withSimulator ? ['testing'] : [])]) {
    symlinkSync(join(packages, name), join(scope, name), 'dir');
  }
  return dir;
}

/** Runs a script in `dir` with no engine configured; resolves to its parsed last line of output. */
async function node(dir: string, file: string, source: string): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROCKETRIDE_') && k !== 'NODE_OPTIONS') env[k] = v;
  writeFileSync(join(dir, file), source);
  const { stdout } = await run(process.execPath, [file], { cwd: dir, env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rr-embedded-'));
  const facade = join(root, 'facade');
  mkdirSync(facade);
  copyFileSync(join(pkgDir, 'package.json'), join(facade, 'package.json'));
  await build({
    config: false,
    entry: { index: join(pkgDir, 'src/index.ts') },
    outDir: join(facade, 'dist'),
    format: ['esm', 'cjs'],
    target: 'node20',
    dts: false,
    silent: true,
    external: [/^@rocketride-streams\//, 'rxjs'],
  });
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

// Records every module URL Node loads, from a loader hook registered at run time (no --import flag).
const RECORD_LOADS = `
import { register } from 'node:module';
const hooks = \`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(\${JSON.stringify(process.cwd() + '/loaded.txt')}, url + '\\\\n');
  return next(url, context);
}\`;
register('data:text/javascript,' + encodeURIComponent(hooks));
`;

describe('the simulator is loaded only when embedded needs it', () => {
  it('importing the façade (ES module) loads none of @rocketride-streams/testing; connect({ embedded: true }) warns once', { timeout: 60_000 }, async () => {
    const dir = install(true);
    const out = await node(
      dir,
      'esm.mjs',
      `${RECORD_LOADS}
import { readFileSync } from 'node:fs';
const warnings = [];
process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));
const rr = await import('rocketride-streams');
const loaded = readFileSync('loaded.txt', 'utf8').split('\\n');
const simulatorAfterImport = loaded.filter((u) => u.includes('/packages/testing/'));
const facadeLoaded = loaded.some((u) => u.includes('/node_modules/rocketride-streams/dist/index.js'));
const a = await rr.connect({ embedded: true });
const b = await rr.connect({ embedded: true });
await a.ping();
await b.ping();
const engines = [a.engine !== undefined, b.engine !== undefined];
await a.disconnect();
await b.disconnect();
await new Promise((r) => setImmediate(r));
const simulatorAfterConnect = readFileSync('loaded.txt', 'utf8').split('\\n').some((u) => u.includes('/packages/testing/dist/index.js'));
console.log(JSON.stringify({ facadeLoaded, simulatorAfterImport, simulatorAfterConnect, engines, warnings }));
`,
    );
    expect(out.facadeLoaded).toBe(true);
    expect(out.simulatorAfterImport).toEqual([]);
    expect(out.simulatorAfterConnect).toBe(true);
    expect(out.engines).toEqual([true, true]);
    const warnings = out.warnings as Array<{ name: string; code: string; message: string }>;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.name).toBe('Warning');
    expect(warnings[0]!.code).toBe('ROCKETRIDE_EMBEDDED_SIMULATOR');
    expect(warnings[0]!.message).toMatch(
      /^connect\(\{ embedded: true \}\) found no engine configured and started the RocketRide engine simulator at ws:\/\/127\.0\.0\.1:\d+\/task\/service: its results are simulated, not computed by a real engine\. To use a real engine, set ROCKETRIDE_URI \(and ROCKETRIDE_APIKEY\) in the environment or \.\/\.env, or pass \{ uri, auth \}\.$/,
    );
  });

  it('requiring the façade (CommonJS) loads none of it either, and embedded still works', { timeout: 60_000 }, async () => {
    const dir = install(true);
    const out = await node(
      dir,
      'cjs.cjs',
      `
const rr = require('rocketride-streams');
const simulator = () => Object.keys(require.cache).filter((k) => k.includes('/packages/testing/'));
const afterRequire = simulator();
(async () => {
  const client = await rr.connect({ embedded: true });
  await client.ping();
  await client.disconnect();
  console.log(JSON.stringify({ afterRequire, exports: Object.keys(rr).length, started: true }));
})();
`,
    );
    expect(out.afterRequire).toEqual([]);
    expect(out.exports).toBeGreaterThan(50);
    expect(out.started).toBe(true);
  });

  it('without the optional peer installed: the import works, embedded is ERR_SIMULATOR_NOT_INSTALLED', { timeout: 60_000 }, async () => {
    const dir = install(false);
    const script = (load: string) => `
${load}
const outcome = async (call) => call().then(() => ({ ok: true }), (e) => ({ name: e.name, code: e.code, message: e.message }));
(async () => {
  const embedded = await outcome(() => rr.connect({ embedded: true }));
  const started = await outcome(() => rr.startEngine());
  console.log(JSON.stringify({ embedded, started }));
})();
`;
    const expected = {
      name: 'ConnectionError',
      code: 'ERR_SIMULATOR_NOT_INSTALLED',
      message:
        'The engine simulator is not installed: add @rocketride-streams/testing (it is an optional peer dependency, e.g. `npm install --save-dev @rocketride-streams/testing`), or configure a real engine with ROCKETRIDE_URI or options.uri',
    };
    for (const [file, load] of [
      ['missing.mjs', "const rr = await import('rocketride-streams');"],
      ['missing.cjs', "const rr = require('rocketride-streams');"],
    ] as const) {
      const out = await node(dir, file, script(load));
      expect(out, file).toEqual({ embedded: expected, started: expected });
    }
  });
});

describe('loadSimulator()', () => {
  it('turns a missing package into ERR_SIMULATOR_NOT_INSTALLED and passes any other failure through', async () => {
    await expect(loadSimulator('@rocketride-streams/not-installed-here')).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'ERR_SIMULATOR_NOT_INSTALLED',
    });
    const broken = `data:text/javascript,${encodeURIComponent("throw new TypeError('broken module')")}`;
    await expect(loadSimulator(broken)).rejects.toThrow(TypeError);
  });
});
