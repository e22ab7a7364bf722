import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { type Engine, startEngine } from 'rocketride-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanEnv, killAll, runCli } from './test-support.js';

let dir: string;
let engines: Engine[] = [];
const names = ['a.txt', 'b.txt', 'c.bin', 'd.bin', 'e.bin', 'f.bin'];
const contents = new Map<string, Buffer>();

beforeAll(async () => {
  await buildBin();
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-pool-'));
  await writeFile(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
  for (const name of names) {
    const data = name.endsWith('.txt') ? Buffer.from(`text of ${name}`) : randomBytes(200_000);
    contents.set(name, data);
    await writeFile(join(dir, name), data);
  }
}, 60_000);
afterEach(async () => {
  killAll();
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('rocketride-streams upload over several engines (issue 14)', () => {
  it('upload --engines a,b,c --json: every result names the engine that committed it, and that engine holds the bytes', async () => {
    engines = await Promise.all([0, 1, 2].map(() => startEngine({ apiKey: 'K' })));
    const r = await runCli(['upload', ...names, '--engines', engines.map((e) => e.uri).join(','), '--apikey', 'K', '--pipeline', 'echo.json', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // JSON lines: one object per line.
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(names.length);
    const results = lines.map((line) => JSON.parse(line)) as Array<{ path: string; ok: boolean; status: string; engine: string; attempts: number }>;
    expect(results.map((x) => [x.path, x.ok, x.status, x.attempts])).toEqual(names.map((n) => [n, true, 'committed', 1]));
    const uris = engines.map((e) => e.uri);
    for (const x of results) {
      const engine = engines[uris.indexOf(x.engine)]!;
      const held = engine.pipes().filter((p) => p.state === 'closed' && p.object.name === x.path);
      expect(held.map((p) => sha256(p.received))).toEqual([sha256(contents.get(x.path)!)]);
    }
    expect(new Set(results.map((x) => x.engine)).size).toBe(3);
  }, 60_000);

  it('ROCKETRIDE_URI with two addresses takes the pool path: one line per file with the engine in the fourth column', async () => {
    engines = await Promise.all([0, 1].map(() => startEngine({ apiKey: 'K' })));
    const env = cleanEnv({ ROCKETRIDE_URI: engines.map((e) => e.uri).join(','), ROCKETRIDE_APIKEY: 'K' });
    const r = await runCli(['upload', 'a.txt', 'b.txt', '--pipeline', 'echo.json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => [l[0], l[1]])).toEqual([
      ['ok', 'a.txt'],
      ['ok', 'b.txt'],
    ]);
    expect(lines.map((l) => l[3]).sort()).toEqual(engines.map((e) => e.uri).sort());
    expect(r.stderr).toMatch(/2 file\(s\): 2 uploaded, 0 failed, 0 commit unknown \(/);
  }, 60_000);

  it.each([
    [['--engines', 'ws://127.0.0.1:1,,ws://127.0.0.1:2'], /--engines takes a comma-separated list of engine addresses/],
    [['--engines', 'ws://127.0.0.1:1', '--uri', 'ws://127.0.0.1:2'], /give --uri or --engines, not both/],
  ])('bad engine arguments %j: exit 2 with the usage, nothing connected', async (extra, message) => {
    const r = await runCli(['upload', 'a.txt', '--pipeline', 'echo.json', ...extra], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
