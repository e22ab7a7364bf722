import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const packages = fileURLToPath(new URL('../..', import.meta.url));
const outDir = `${pkgDir}node_modules/.cache/rocketride-streams-cli-test`;
export const BIN = `${outDir}/bin.js`;

/**
 * Bundles src/bin.ts as the package build does, with the workspace packages taken from their sources
 * (so no prior build is needed); third-party modules stay external and resolve from this package.
 */
export async function buildBin(): Promise<void> {
  await build({
    entry: { bin: `${pkgDir}src/bin.ts` },
    outDir,
    format: ['esm'],
    target: 'node20',
    dts: false,
    silent: true,
    clean: true,
    noExternal: [/^@rocketride-streams\//, /^rocketride-streams$/],
    external: ['ws', 'undici', 'mime-types', 'rxjs'],
    esbuildOptions(options) {
      options.alias = {
        'rocketride-streams': `${packages}rocketride-streams/src/index.ts`,
        // The folder, not its index.ts: esbuild appends a subpath (`@rocketride-streams/core/internal`) to the alias.
        '@rocketride-streams/core': `${packages}core/src`,
        '@rocketride-streams/streams': `${packages}streams/src/index.ts`,
        '@rocketride-streams/rx': `${packages}rx/src/index.ts`,
        '@rocketride-streams/pool': `${packages}pool/src/index.ts`,
        '@rocketride-streams/testing': `${packages}testing/src/index.ts`,
      };
    },
  });
}

/** The environment without any ROCKETRIDE_* variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROCKETRIDE_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Cli {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds a complete line matching `test`. */
  line(test: (line: string) => boolean): Promise<string>;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Starts the built bin with `args` in `cwd`. */
export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const found = out.split('\n').slice(0, -1).find(w.test);
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    line: (test) =>
      new Promise<string>((resolve, reject) => {
        const found = out.split('\n').slice(0, -1).find(test);
        if (found !== undefined) return resolve(found);
        waiters.push({ test, resolve });
        void exit.then((code) => reject(new Error(`exited ${code} first; stdout: ${out}\nstderr: ${err}`)));
      }),
  };
}

/** Runs the bin to completion. */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const code = await cli.exit;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Kills whatever is still running (for afterEach). */
export function killAll(): void {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
