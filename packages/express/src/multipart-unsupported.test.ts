import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
let outDir: string;

beforeAll(async () => {
  // The app and everything it uses bundled into a folder outside the repository, where `busboy` (left
  // out of the bundle, as the package ships it) cannot be resolved: as if it were not installed.
  outDir = await mkdtemp(join(tmpdir(), 'rocketride-no-busboy-'));
  await build({
    entry: { app: `${pkgDir}src/test-support/no-busboy-app.ts` },
    outDir,
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    dts: false,
    silent: true,
    tsconfig: `${pkgDir}tsconfig.json`,
    noExternal: [/./],
    esbuildPlugins: [
      {
        name: 'leave-out',
        setup(b) {
          b.onResolve({ filter: /^(busboy|bufferutil|utf-8-validate)$/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('uploadHandler without the optional peer busboy', () => {
  it('answers a multipart/form-data post 415 ERR_MULTIPART_UNSUPPORTED and opens nothing; plain bodies still stream', async () => {
    // Without NODE_PATH, which the package manager points at its store (where busboy is).
    const { NODE_PATH: _, ...env } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, [join(outDir, 'app.cjs')], { cwd: outDir, env, timeout: 30_000 });
    const report = JSON.parse(stdout) as {
      busboyResolvable: boolean;
      form: { status: number; body: unknown };
      opensAfterForm: number;
      plain: { status: number; received: string[] };
    };
    expect(report.busboyResolvable).toBe(false);
    expect(report.form).toEqual({
      status: 415,
      body: {
        error: {
          code: 'ERR_MULTIPART_UNSUPPORTED',
          message: 'multipart/form-data uploads need the optional peer dependency busboy (npm install busboy); nothing was sent to the engine',
        },
      },
    });
    expect(report.opensAfterForm).toBe(0);
    expect(report.plain).toEqual({ status: 200, received: ['plain body'] });
  });
});
