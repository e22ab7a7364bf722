import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { type Engine, RocketRideClient, startEngine } from 'rocketride-streams';
import { buildBin, cleanEnv, killAll, runCli, startCli } from './test-support.js';

let dir: string;
let engine: Engine | undefined;
let client: RocketRideClient | undefined;

beforeAll(async () => {
  await buildBin();
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-'));
  await writeFile(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
  await writeFile(join(dir, 'a.txt'), 'alpha');
  await writeFile(join(dir, 'b.txt'), 'beta');
  await writeFile(join(dir, 'c.bin'), randomBytes(300_000));
}, 60_000);

afterEach(async () => {
  killAll();
  await client?.disconnect();
  client = undefined;
  await engine?.close();
  engine = undefined;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array | Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of Array.isArray(data) ? data : [data]) h.update(p);
  return h.digest('hex');
};

async function startSim(): Promise<{ engine: Engine; args: string[] }> {
  engine = await startEngine({ apiKey: 'K' });
  return { engine, args: ['--uri', engine.uri, '--apikey', 'K'] };
}

/** Starts the echo pipeline on token T with a client of our own. */
async function runningTask(e: Engine): Promise<string> {
  client = new RocketRideClient({ uri: e.uri, auth: 'K', env: {} });
  await client.connect();
  return (await client.use({ pipeline: ECHO_PIPELINE, token: 'T' })).token;
}

describe('rocketride-streams upload', () => {
  it('uploads 3 files with --json: results in input order on stdout, exit 0', async () => {
    const { engine: e, args } = await startSim();
    const r = await runCli(['upload', 'a.txt', 'b.txt', 'c.bin', '--pipeline', 'echo.json', '--concurrency', '2', '--json', ...args], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as Array<{ path: string; ok: boolean; result: { text?: string[]; name: string } }>;
    expect(results.map((x) => [x.path, x.ok])).toEqual([
      ['a.txt', true],
      ['b.txt', true],
      ['c.bin', true],
    ]);
    expect(results[0]!.result.text).toEqual(['alpha\n\n']);
    expect(results[1]!.result.text).toEqual(['beta\n\n']);
    expect(results[2]!.result.name).toBe('c.bin');
    const bin = e.pipes().find((p) => p.object.name === 'c.bin')!;
    expect(sha256(bin.received)).toBe(sha256(await readFile(join(dir, 'c.bin'))));
  });

  it('a missing file fails alone: exit 1, the others uploaded', async () => {
    const { engine: e, args } = await startSim();
    const r = await runCli(['upload', 'a.txt', 'missing.txt', 'b.txt', '--pipeline', 'echo.json', '--json', ...args], { cwd: dir });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as Array<{ path: string; ok: boolean; error?: { code: string } }>;
    expect(results.map((x) => x.ok)).toEqual([true, false, true]);
    expect(results[1]!.error?.code).toBe('ERR_INVALID_SOURCE');
    expect(e.pipes().filter((p) => p.state === 'closed').map((p) => p.object.name).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('without --json: one plain line per file off a terminal, a summary on stderr; --mime picks the lane', async () => {
    const { args } = await startSim();
    const r = await runCli(['upload', 'c.bin', 'a.txt', '--pipeline', 'echo.json', '--mime', 'text/plain', ...args], { cwd: dir });
    // c.bin is not valid UTF-8, so as text/plain it is refused before any byte leaves
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^failed\tc\.bin\t.*\(ERR_INVALID_UTF8\)$/);
    expect(lines[1]).toMatch(/^ok\ta\.txt\t5 B$/);
    // Not a terminal: each file's line on stderr as it finished (in finishing order), then the summary.
    const progress = r.stderr.trim().split('\n');
    expect(progress).toHaveLength(3);
    expect(progress.slice(0, 2).map((l) => l.replace(/^\[\d\/2\] /, '')).sort()).toEqual([expect.stringMatching(/^failed c\.bin: .*\(ERR_INVALID_UTF8\)$/), 'ok a.txt 5 B']);
    expect(progress.slice(0, 2).map((l) => l.slice(0, 5))).toEqual(['[1/2]', '[2/2]']);
    expect(progress[2]).toMatch(/^2 file\(s\): 1 uploaded, 1 failed \(task \S+\)$/);
  });

  it('with no engine configured, uses the embedded simulator and says so on stderr (the README tour snippet)', async () => {
    // rocketride-streams upload a.txt b.txt c.bin --pipeline echo.json --json
    const r = await runCli(['upload', 'a.txt', 'b.txt', 'c.bin', '--pipeline', 'echo.json', '--json'], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/using the embedded simulator/);
    const results = JSON.parse(r.stdout) as Array<{ path: string; ok: boolean; result: { text?: string[] } }>;
    expect(results.map((x) => [x.path, x.ok])).toEqual([
      ['a.txt', true],
      ['b.txt', true],
      ['c.bin', true],
    ]);
    expect(results[0]!.result.text).toEqual(['alpha\n\n']);
  });

  it('a wrong key fails with the engine message, exit 1', async () => {
    const { engine: e } = await startSim();
    const r = await runCli(['upload', 'a.txt', '--pipeline', 'echo.json'], { cwd: dir, env: cleanEnv({ ROCKETRIDE_URI: e.uri, ROCKETRIDE_APIKEY: 'wrong' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Invalid API key/);
    expect(r.stdout).toBe('');
  });
});

describe('rocketride-streams status / events', () => {
  it('status --token prints the TASK_STATUS JSON', async () => {
    const { engine: e, args } = await startSim();
    const token = await runningTask(e);
    const r = await runCli(['status', '--token', token, ...args], { cwd: dir });
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status).toMatchObject({ state: 3, completed: false });
  });

  it('status of an unknown task fails with the engine message, exit 1', async () => {
    const { args } = await startSim();
    const r = await runCli(['status', '--token', 'nope', ...args], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Your pipeline is not running/);
  });

  it('events --token prints events as JSON lines and exits 0 on SIGINT', async () => {
    const { engine: e } = await startSim();
    const token = await runningTask(e);
    const cli = startCli(['events', '--token', token, '--types', 'SUMMARY,TASK'], { cwd: dir, env: cleanEnv({ ROCKETRIDE_URI: e.uri, ROCKETRIDE_APIKEY: 'K' }) });
    const line = await cli.line((l) => l.includes('apaevt_status_update'));
    expect(JSON.parse(line)).toMatchObject({ type: 'event', event: 'apaevt_status_update', body: { state: 3 } });
    // an event that happens later arrives too
    await client!.terminate(token);
    await cli.line((l) => l.includes('"apaevt_task"') && l.includes('"end"'));
    expect(e.monitorCount()).toBeGreaterThan(0);
    expect(cli.child.exitCode).toBeNull(); // still running after the task ended: only the signal stops it
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
    for (const l of cli.stdout().trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
  });
});

describe('rocketride-streams sim', () => {
  it('prints the listening line, serves, and exits 0 on SIGTERM', async () => {
    const cli = startCli(['sim', '--port', '0', '--apikey', 'K'], { cwd: dir });
    const line = await cli.line((l) => l.startsWith('listening '));
    expect(line).toMatch(/^listening ws:\/\/127\.0\.0\.1:\d+\/task\/service$/);
    const uri = line.slice('listening '.length);
    client = new RocketRideClient({ uri, auth: 'K', env: {} });
    await client.connect();
    await client.ping();
    await client.disconnect();
    client = undefined;
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  });
});

describe('rocketride-streams --version', () => {
  it('the bin prints the package version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('bad arguments', () => {
  it.each([
    [[], /No command given/],
    [['upload', 'a.txt', '--pipeline', 'echo.json', '--bogus'], /bogus/],
  ])('%j → exit 2 with usage on stderr (every case: run.test.ts)', async (args, message) => {
    const r = await runCli(args as string[], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toContain('Usage: rocketride-streams <command>');
    expect(r.stdout).toBe('');
  });
});
