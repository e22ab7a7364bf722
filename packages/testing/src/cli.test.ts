import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${pkgDir}node_modules/.cache/rocketride-sim-test`;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Bundle the bin as tsup does for the package, with core taken from its sources.
  await build({
    entry: { cli: `${pkgDir}src/cli.ts` },
    outDir,
    format: ['esm'],
    target: 'node20',
    dts: false,
    silent: true,
    clean: true,
    banner: { js: '#!/usr/bin/env node' },
    noExternal: ['@rocketride-streams/core'],
    esbuildOptions(options) {
      options.alias = { '@rocketride-streams/core': `${pkgDir}../core/src/index.ts` };
    },
  });
}, 30_000);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function startCli(args: string[]): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(process.execPath, [`${outDir}/cli.js`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
  line.catch(() => {}); // awaited by the tests that expect it
  return { child, line };
}

describe('rocketride-sim CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints the listening line, serves, and exits 0 on %s', async (signal) => {
    const { child, line } = startCli(['--port', '0', '--apikey', 'K']);
    const text = await line;
    expect(text).toMatch(/^listening ws:\/\/127\.0\.0\.1:\d+\/task\/service$/);
    const uri = text.slice('listening '.length);
    const ws = new WebSocket(uri);
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'request', seq: 1, command: 'auth', arguments: { auth: 'wrong' } }));
    const [reply] = (await once(ws, 'message')) as [Buffer];
    expect(JSON.parse(reply.toString())).toMatchObject({ success: false, message: 'Invalid API key' });
    ws.terminate();
    child.kill(signal);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('--store-dir keeps the rrext_store files in that directory, after exit too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-store-'));
    try {
      const { child, line } = startCli(['--port', '0', '--store-dir', join(dir, 'store')]);
      const ws = new WebSocket((await line).slice('listening '.length));
      await once(ws, 'open');
      const call = async (seq: number, args: Record<string, unknown>, payload?: string) => {
        const msg = { type: 'request', seq, command: seq === 1 ? 'auth' : 'rrext_store', arguments: args };
        if (payload === undefined) ws.send(JSON.stringify(msg));
        else ws.send(Buffer.from(`${JSON.stringify(msg)}\n${payload}`), { binary: true });
        const [reply] = (await once(ws, 'message')) as [Buffer];
        return JSON.parse(reply.toString()) as Record<string, unknown> & { body?: Record<string, unknown> };
      };
      expect((await call(1, { auth: 'any' })).success).toBe(true);
      const handle = (await call(2, { subcommand: 'fs_open', path: 'docs/a.txt', mode: 'w' })).body?.handle;
      expect((await call(3, { subcommand: 'fs_write', handle }, 'kept')).body).toEqual({ bytesWritten: 4 });
      expect((await call(4, { subcommand: 'fs_close', handle, mode: 'w' })).success).toBe(true);
      ws.terminate();
      child.kill('SIGTERM');
      expect((await once(child, 'exit'))[0]).toBe(0);
      expect(readFileSync(join(dir, 'store', 'users', 'local', 'files', 'docs', 'a.txt'), 'utf8')).toBe('kept');
      // Only the store layout is left behind (the staging directory is removed).
      expect(readdirSync(join(dir, 'store'))).toEqual(['users']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([['--profile', 'weird'], ['--ack-delay', '-1'], ['--write-jitter', 'soon']])('refuses %s %s with exit code 2', async (flag, value) => {
    const { child } = startCli([flag, value]);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
