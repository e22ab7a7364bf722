// rocketride.store on the façade: a 64 MiB file makes a byte-exact round trip through Node streams.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type RocketRide } from './index.js';

let client: RocketRide | undefined;
let dir: string | undefined;
afterEach(async () => {
  await client?.disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
  client = dir = undefined;
});

/** A pass-through that hashes what goes by. */
function hasher(): Transform & { digest(): string } {
  const h = createHash('sha256');
  const t = new Transform({
    transform(chunk: Buffer, _e, cb) {
      h.update(chunk);
      cb(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => h.digest('hex') });
}

describe.each(['intended', 'head'] as const)('rocketride.store (%s)', (profile) => {
  it('64 MiB: local file → store.createWriteStream → store.createReadStream → local file, SHA-256 equal', async () => {
    client = await connect({ embedded: { profile }, env: {} });
    dir = await mkdtemp(join(tmpdir(), 'rr-store-'));
    const src = join(dir, 'src.bin');
    const back = join(dir, 'back.bin');
    const MiB = 1024 * 1024;
    const expected = createHash('sha256');
    {
      const out = createWriteStream(src);
      for (let i = 0; i < 64; i++) {
        const piece = randomBytes(MiB);
        expected.update(piece);
        if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
    const want = expected.digest('hex');
    await pipeline(createReadStream(src), client.store.createWriteStream('big/file.bin'));
    expect(await client.store.stat('big/file.bin')).toMatchObject({ exists: true, type: 'file', size: 64 * MiB });
    const seen = hasher();
    await pipeline(client.store.createReadStream('big/file.bin'), seen, createWriteStream(back));
    expect(seen.digest()).toBe(want);
    const onDisk = createHash('sha256');
    for await (const c of createReadStream(back)) onDisk.update(c as Buffer);
    expect(onDisk.digest('hex')).toBe(want);
    expect(client.engine?.storeHandles()).toEqual([]);
    expect((await client.store.list('big')).map((e) => e.name)).toEqual(['file.bin']);
  });
});

describe('rocketride.store', () => {
  it('is one StoreApi per client, bound to it', async () => {
    client = await connect({ embedded: true, env: {} });
    expect(client.store).toBe(client.store);
    await client.store.writeJson('x.json', { ok: true });
    expect(await client.fsReadJson('x.json')).toEqual({ ok: true });
  });
});
