// `rocketride-streams store …` in-process against the simulator on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Engine, RocketRideClient, startEngine } from 'rocketride-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from './index.js';

let engine: Engine;
let dir: string;
let client: RocketRideClient | undefined;

beforeEach(async () => {
  engine = await startEngine({ apiKey: 'K' });
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-store-'));
});
afterEach(async () => {
  await client?.disconnect();
  client = undefined;
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs in-process with captured output (bytes kept as bytes); `tty` makes stderr look like a terminal. */
async function store(args: string[], opts: { stdin?: Readable; tty?: boolean } = {}) {
  const out: Buffer[] = [];
  let stderr = '';
  const code = await run(['store', ...args, '--uri', engine.uri, '--apikey', 'K'], {
    stdout: { write: (t: string | Buffer) => out.push(Buffer.from(t)) },
    stderr: { write: (t: string) => (stderr += t), isTTY: opts.tty === true, columns: 100, rows: 20 },
    env: {},
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
  });
  const bytes = Buffer.concat(out);
  return { code, stdout: bytes.toString(), bytes, stderr };
}

async function storeClient(): Promise<RocketRideClient> {
  client ??= new RocketRideClient({ uri: engine.uri, auth: 'K', env: {} });
  if (!client.isConnected()) await client.connect();
  return client;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('rocketride-streams store', () => {
  it('put a local file, ls, stat, cat, get into a file: byte-exact, with --json', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(dir, 'in.bin'), data);
    const put = await store(['put', join(dir, 'in.bin'), 'up/in.bin', '--json']);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(put.stdout)).toEqual({ path: 'up/in.bin', bytes: data.length });
    const ls = await store(['ls', 'up', '--json']);
    expect(JSON.parse(ls.stdout)).toEqual([{ name: 'in.bin', type: 'file', size: data.length, modified: expect.any(Number) }]);
    expect((await store(['ls', 'up'])).stdout).toMatch(/^file\t3\.0 MiB\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\tin\.bin\n$/);
    expect(JSON.parse((await store(['stat', 'up/in.bin'])).stdout)).toMatchObject({ exists: true, type: 'file', size: data.length });
    const cat = await store(['cat', 'up/in.bin']);
    expect(cat.code).toBe(0);
    expect(sha(cat.bytes)).toBe(sha(data));
    const get = await store(['get', 'up/in.bin', join(dir, 'out.bin')]);
    expect(get.code).toBe(0);
    expect(get.stderr).toBe(`3.0 MiB read from up/in.bin into ${join(dir, 'out.bin')}\n`);
    expect(sha(await readFile(join(dir, 'out.bin')))).toBe(sha(data));
    expect(engine.storeHandles()).toEqual([]);
  });

  it('put - reads stdin; get … - writes stdout; progress bars on a terminal stderr', async () => {
    const put = await store(['put', '-', 'p/stdin.txt'], { stdin: Readable.from([Buffer.from('from '), Buffer.from('stdin')]), tty: true });
    expect(put.code).toBe(0);
    expect(put.stderr).toContain('✓ stdin');
    expect(put.stderr).toContain('10 B written to p/stdin.txt');
    expect((await store(['get', 'p/stdin.txt', '-'])).stdout).toBe('from stdin');
  });

  it('mkdir, mv (with --overwrite), rm (-r for a directory with content), stat of nothing exits 1', async () => {
    const c = await storeClient();
    await c.fsWriteString('m/a.txt', 'A');
    await c.fsWriteString('m/b.txt', 'B');
    expect((await store(['mkdir', 'm/sub'])).code).toBe(0);
    const refused = await store(['mv', 'm/a.txt', 'm/b.txt']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('rocketride-streams: Destination already exists: m/b.txt (ERR_STORE_EXISTS)\n');
    expect((await store(['mv', 'm/a.txt', 'm/b.txt', '--overwrite'])).code).toBe(0);
    expect(await c.fsReadString('m/b.txt')).toBe('A');
    expect((await store(['rm', 'm'])).stderr).toBe('rocketride-streams: Directory not empty: m (ERR_STORE_NOT_EMPTY)\n');
    expect((await store(['rm', '-r', 'm'])).code).toBe(0);
    const none = await store(['stat', 'm']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toEqual({ exists: false });
    expect((await store(['rm', '-f', 'm'])).code).toBe(0);
  });

  it('put --no-overwrite refuses an existing file; a failed get leaves no local file', async () => {
    const c = await storeClient();
    await c.fsWriteString('x.txt', 'old');
    await writeFile(join(dir, 'new.txt'), 'new');
    const r = await store(['put', join(dir, 'new.txt'), 'x.txt', '--no-overwrite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocketride-streams: Destination already exists: x.txt (ERR_STORE_EXISTS)\n');
    expect(await c.fsReadString('x.txt')).toBe('old');
    const g = await store(['get', 'missing.txt', join(dir, 'missing.txt')]);
    expect(g.code).toBe(1);
    expect(g.stderr).toBe('rocketride-streams: File not found: missing.txt (ERR_STORE_NOT_FOUND)\n');
    await expect(stat(join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a failed get leaves a local file that was already there as it was, and no partial file beside it', async () => {
    const c = await storeClient();
    await writeFile(join(dir, 'notes.txt'), 'precious');
    const missing = await store(['get', 'missing.txt', join(dir, 'notes.txt')]);
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: 'rocketride-streams: File not found: missing.txt (ERR_STORE_NOT_FOUND)\n' });
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('precious');
    await c.fsWriteString('notes.txt', 'from the store');
    engine.faults.closeAfterFrames(3); // auth, fs_open, then the connection dies at the first fs_read
    const cut = await store(['get', 'notes.txt', join(dir, 'notes.txt')]);
    expect(cut.code).toBe(1);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('precious');
    expect(await readdir(dir)).toEqual(['notes.txt']);
    engine.faults.reset();
    const ok = await store(['get', 'notes.txt', join(dir, 'notes.txt')]);
    expect(ok.code).toBe(0);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('from the store');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it.each([
    [['store'], /store: name a subcommand/],
    [['store', 'frob'], /store: unknown subcommand frob/],
    [['store', 'put', 'only-one'], /usage: rocketride-streams store put <local-file\|-> <path>/],
    [['store', 'ls', 'a', 'b'], /usage: rocketride-streams store ls/],
    [['store', 'cat', 'x'], /No engine: give --uri or set ROCKETRIDE_URI/],
  ])('%j → exit 2 with the reason, nothing sent', async (argv, reason) => {
    let stderr = '';
    const code = await run(argv as string[], { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
    expect(code).toBe(2);
    expect(stderr).toMatch(reason as RegExp);
    expect(engine.requests()).toEqual([]);
  });

  it('a path the engine would refuse fails with its code before anything is sent', async () => {
    const r = await store(['cat', '../etc/passwd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocketride-streams: Path traversal not allowed: ../etc/passwd (ERR_STORE_PATH_TRAVERSAL)\n');
    expect(engine.requests().filter((q) => q.command === 'rrext_store')).toEqual([]);
  });
});
