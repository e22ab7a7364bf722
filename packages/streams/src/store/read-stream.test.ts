// createReadStream / readable: one fs_read at a time, only while the consumer wants data, handle closed on every path.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RocketRideClient } from '@rocketride-streams/core';
import { describe, expect, it } from 'vitest';
import { storeOps, storeRequests, tick, until, useStore } from '../test-support/store.js';

const h = useStore();

/** Writes a file with the raw handle methods (the fastest way to set one up). */
const putFile = async (client: RocketRideClient, path: string, data: Buffer): Promise<void> => {
  const { handle } = await client.fsOpen(path, 'w');
  await client.fsWrite(handle, data);
  await client.fsClose(handle, 'w');
};

const collect = async (stream: AsyncIterable<Uint8Array>): Promise<Buffer> => {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
};

describe('createReadStream', () => {
  it('reads a file whole and by inclusive start/end, and the handle is closed before end', async () => {
    const { engine, client, store } = await h.start();
    const content = randomBytes(300_000);
    await putFile(client, 'r.bin', content);
    const s = store.createReadStream('r.bin');
    let handlesAtEnd = -1;
    s.on('end', () => {
      handlesAtEnd = engine.storeHandles().length;
    });
    expect((await collect(s)).equals(content)).toBe(true);
    expect(handlesAtEnd).toBe(0);
    expect(s.size).toBe(300_000);
    expect(s.bytesRead).toBe(300_000);
    expect(await collect(store.createReadStream('r.bin', { start: 10, end: 19 }))).toEqual(content.subarray(10, 20));
    expect(await collect(store.createReadStream('r.bin', { start: 299_999 }))).toEqual(content.subarray(299_999));
    expect(await collect(store.createReadStream('r.bin', { start: 400_000 }))).toEqual(Buffer.alloc(0));
    expect(engine.storeHandles()).toEqual([]);
  });

  it('a file read in one piece takes one fs_read (one byte more than its size comes back short)', async () => {
    const { engine, client, store } = await h.start();
    await client.fsWriteString('small.txt', 'hello');
    expect((await collect(store.createReadStream('small.txt'))).toString()).toBe('hello');
    const reads = storeRequests(engine, 'fs_read').map((r) => [r.arguments.offset, r.arguments.length]);
    expect(reads).toEqual([[0, 6]]);
  });

  it('the read size doubles while the consumer keeps up, up to the 4 MiB clamp', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'big.bin', Buffer.alloc(20 * 1024 * 1024, 1));
    const s = store.createReadStream('big.bin', { highWaterMark: 64 * 1024 });
    await pipeline(s, new Writable({ write: (_c, _e, cb) => cb() }));
    const lengths = storeRequests(engine, 'fs_read').map((r) => r.arguments.length as number);
    expect(lengths.slice(0, 4)).toEqual([65536, 131072, 262144, 524288]);
    expect(Math.max(...lengths)).toBe(4 * 1024 * 1024);
    expect(s.bytesRead).toBe(20 * 1024 * 1024);
  });
});

describe('createReadStream: backpressure and handles', () => {
  it('a consumer that stops reading stops the reads: nothing is read ahead beyond highWaterMark', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'slow.bin', randomBytes(8 * 1024 * 1024));
    const s = store.createReadStream('slow.bin', { highWaterMark: 64 * 1024 });
    // Take one chunk, then stop consuming.
    const first = await new Promise<Buffer>((resolve) => s.once('data', (c: Buffer) => { s.pause(); resolve(c); }));
    expect(first.byteLength).toBe(64 * 1024);
    await tick(100);
    const reads = storeRequests(engine, 'fs_read').length;
    await tick(200);
    expect(storeRequests(engine, 'fs_read').length).toBe(reads);
    // Buffered: at most the highWaterMark plus the one read that filled it.
    expect(s.readableLength).toBeLessThanOrEqual(64 * 1024 + 128 * 1024);
    expect(reads).toBeLessThanOrEqual(3);
    s.resume();
    let rest = first.byteLength;
    for await (const c of s) rest += (c as Buffer).byteLength;
    expect(rest).toBe(8 * 1024 * 1024);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('200 concurrent createReadStream calls wait for a handle instead of failing, and all read their file', async () => {
    const { engine, client, store } = await h.start();
    for (let i = 0; i < 4; i++) await client.fsWriteString(`many/${i}.txt`, `file ${i}`.repeat(1000));
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, engine.storeHandles().length);
    }, 2);
    try {
      const texts = await Promise.all(Array.from({ length: 200 }, (_, i) => collect(store.createReadStream(`many/${i % 4}.txt`))));
      expect(texts.map((t) => t.toString())).toEqual(Array.from({ length: 200 }, (_, i) => `file ${i % 4}`.repeat(1000)));
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThanOrEqual(64);
    // One fs_open per stream (plus one per file written): none refused and retried.
    expect(storeRequests(engine, 'fs_open').length).toBe(4 + 200);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('destroy() in the middle closes the handle; so does an abort, and a consumer failing in pipeline()', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'd.bin', randomBytes(4 * 1024 * 1024));
    const a = store.createReadStream('d.bin', { highWaterMark: 64 * 1024 });
    await once(a, 'data');
    a.destroy();
    await once(a, 'close');
    expect(engine.storeHandles()).toEqual([]);

    const ctl = new AbortController();
    const b = store.createReadStream('d.bin', { highWaterMark: 64 * 1024, signal: ctl.signal });
    await once(b, 'data');
    ctl.abort();
    const [error] = await once(b, 'error');
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Reading d.bin was aborted' });
    await until(() => b.closed);
    expect(engine.storeHandles()).toEqual([]);

    const failing = new Transform({ transform: (_c, _e, cb) => cb(new Error('consumer failed')) });
    await expect(pipeline(store.createReadStream('d.bin'), failing, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toThrow('consumer failed');
    await until(() => engine.storeHandles().length === 0);
    expect(storeOps(engine).filter((o) => o === 'fs_open').length).toBe(storeOps(engine).filter((o) => o === 'fs_close').length);
  });

  it('destroy() right after creation, while the handle opens or waits for one, emits no error and holds nothing', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'e.txt', Buffer.from('content'));
    const held = await Promise.all(Array.from({ length: 64 }, () => client.fsOpen('e.txt'))); // every handle taken
    const waiting = store.createReadStream('e.txt');
    const opening = () => store.createReadStream('e.txt');
    const errors: Error[] = [];
    waiting.on('error', (e) => errors.push(e));
    await tick();
    waiting.destroy();
    await once(waiting, 'close');
    await Promise.all(held.map((o) => client.fsClose(o.handle)));
    const fresh = opening();
    fresh.on('error', (e) => errors.push(e));
    fresh.destroy();
    await once(fresh, 'close');
    expect(errors).toEqual([]);
    await until(() => engine.storeHandles().length === 0);
    const failing = opening();
    failing.destroy(new Error('mine'));
    const [own] = await once(failing, 'error');
    expect((own as Error).message).toBe('mine');
    await until(() => engine.storeHandles().length === 0);
  });

  it('a file that grew after the open is read on in full pieces, not one byte per fs_read', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'grow.bin', Buffer.alloc(0));
    const stream = store.createReadStream('grow.bin');
    await once(stream, 'ready');
    expect(stream.size).toBe(0);
    const added = randomBytes(300_000);
    appendFileSync(join(engine.storeDir, 'users/local/files/grow.bin'), added); // another writer appends meanwhile
    expect((await collect(stream)).equals(added)).toBe(true);
    expect(storeOps(engine).filter((o) => o === 'fs_read').length).toBeLessThanOrEqual(4);
  });

  it('a missing file errors ERR_STORE_NOT_FOUND and holds nothing', async () => {
    const { engine, store } = await h.start();
    const s = store.createReadStream('missing.txt');
    const [error] = await once(s, 'error');
    expect(error).toMatchObject({ code: 'ERR_STORE_NOT_FOUND', message: 'File not found: missing.txt' });
    expect(engine.storeHandles()).toEqual([]);
  });

  it('a socket lost in the middle errors ERR_CONNECTION_LOST; logout() closes the handle before deauth', async () => {
    const { engine, client, store } = await h.start();
    await putFile(client, 'l.bin', randomBytes(2 * 1024 * 1024));
    const s = store.createReadStream('l.bin', { highWaterMark: 64 * 1024 });
    await once(s, 'data');
    s.pause();
    const lost = once(s, 'error');
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => undefined);
    expect((await lost)[0]).toMatchObject({ code: 'ERR_CONNECTION_LOST' });

    await client.connect();
    const t = store.createReadStream('l.bin', { highWaterMark: 64 * 1024 });
    await once(t, 'data');
    t.pause();
    const out = once(t, 'error');
    await client.logout();
    expect((await out)[0]).toMatchObject({ code: 'ERR_DISCONNECTED' });
    const ops = engine.requests().map((r) => (r.command === 'rrext_store' ? r.arguments.subcommand : r.command));
    expect(ops.slice(-2)).toEqual(['fs_close', 'deauth']);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('bad arguments throw at once with a code, and nothing is sent', async () => {
    const { engine, store } = await h.start();
    const cases: Array<[() => unknown, string, string]> = [
      [() => store.createReadStream('../x'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: ../x'],
      [() => store.createReadStream('a?b'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: a?b'],
      [() => store.createReadStream(''), 'ERR_STORE_PATH', 'path must name a file or directory below the store root, got ""'],
      [() => store.createReadStream('a', { start: -1 }), 'ERR_INVALID_ARGUMENT', 'start must be a non-negative integer'],
      [() => store.createReadStream('a', { start: 5, end: 4 }), 'ERR_INVALID_ARGUMENT', 'end (4) must not be before start (5)'],
      [() => store.createReadStream('a', { highWaterMark: 0 }), 'ERR_INVALID_ARGUMENT', 'highWaterMark must be a positive integer'],
      [() => store.readable('a', { end: 1.5 }), 'ERR_INVALID_ARGUMENT', 'end must be a non-negative integer'],
    ];
    for (const [call, code, message] of cases) expect(call).toThrow(expect.objectContaining({ code, message }));
    await tick();
    expect(storeOps(engine)).toEqual([]);
  });
});

describe('readable (WHATWG)', () => {
  it('reads the file; cancel() in the middle closes the handle', async () => {
    const { engine, client, store } = await h.start();
    const content = randomBytes(3 * 1024 * 1024);
    await putFile(client, 'w.bin', content);
    expect((await collect(store.readable('w.bin'))).equals(content)).toBe(true);
    expect(await collect(store.readable('w.bin', { start: 5, end: 9 }))).toEqual(content.subarray(5, 10));
    const reader = store.readable('w.bin', { highWaterMark: 64 * 1024 }).getReader();
    await reader.read();
    await reader.cancel();
    expect(engine.storeHandles()).toEqual([]);
    const ctl = new AbortController();
    const aborted = store.readable('w.bin', { highWaterMark: 64 * 1024, signal: ctl.signal }).getReader();
    await aborted.read();
    ctl.abort();
    await expect(aborted.read()).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await until(() => engine.storeHandles().length === 0);
  });
});
