// createWriteStream / writable: atomic, one fs_write in flight, 'finish' only once the file is in place, and no
// failure leaves a partial file at the path or loses its old content.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DAPMessage } from '@rocketride-streams/core';
import { describe, expect, it } from 'vitest';
import { PROFILES, storeOps, storeRequests, tick, until, useStore } from '../test-support/store.js';

const h = useStore();

const OLD = 'the old content';

describe.each(PROFILES)('createWriteStream (%s)', (profile) => {
  it("coalesces chunks into writes with one in flight, and 'finish' comes once the file is in place", async () => {
    let inFlight = 0;
    let peak = 0;
    const writes = new Set<number>();
    const onProtocolMessage = (m: DAPMessage, dir: 'send' | 'receive'): void => {
      if (dir === 'send' && m.type === 'request' && (m.arguments as { subcommand?: string } | undefined)?.subcommand === 'fs_write') {
        writes.add(m.seq!);
        peak = Math.max(peak, ++inFlight);
      } else if (dir === 'receive' && m.type === 'response' && writes.delete(m.request_seq!)) inFlight--;
    };
    const { engine, client, store } = await h.start({ profile }, { onProtocolMessage });
    engine.faults.delayResponse('rrext_store:fs_write', 5);
    const chunks = Array.from({ length: 200 }, () => randomBytes(16 * 1024));
    const sink = store.createWriteStream('w/out.bin');
    let atFinish: unknown;
    sink.on('finish', () => {
      atFinish = client.fsStat('w/out.bin');
    });
    await pipeline(Readable.from(chunks), sink);
    expect(await atFinish).toMatchObject({ exists: true, size: 200 * 16 * 1024 });
    expect(peak).toBe(1);
    expect(storeRequests(engine, 'fs_write').length).toBeLessThan(50);
    expect((await client.fsReadString('w/out.bin')).length).toBeGreaterThan(0);
    expect(Buffer.from(await store.readFile('w/out.bin')).equals(Buffer.concat(chunks))).toBe(true);
    expect(await store.list('w')).toEqual([expect.objectContaining({ name: 'out.bin' })]);
    expect(engine.storeHandles()).toEqual([]);
    expect(sink.bytesWritten).toBe(200 * 16 * 1024);
  });

  it('destroy() in the middle leaves the old content and no temporary file', async () => {
    const { engine, store } = await h.start({ profile });
    await store.writeFile('d/f.txt', OLD);
    const sink = store.createWriteStream('d/f.txt');
    sink.write(randomBytes(100_000));
    await until(() => sink.bytesWritten > 0);
    sink.destroy();
    await once(sink, 'close');
    expect(await store.readFile('d/f.txt', { encoding: 'utf8' })).toBe(OLD);
    expect((await store.list('d')).map((e) => e.name)).toEqual(['f.txt']);
    expect(engine.storeHandles()).toEqual([]);
    expect(storeRequests(engine, 'fs_delete').map((r) => r.arguments.path)).toEqual([sink.tempPath]);
  });

  it('destroy() right after creation, while the temporary file opens, emits no error and leaves nothing', async () => {
    const { engine, store } = await h.start({ profile });
    await store.writeFile('d/f.txt', OLD);
    const sink = store.createWriteStream('d/f.txt');
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.destroy();
    await once(sink, 'close');
    expect(errors).toEqual([]);
    await until(() => engine.storeHandles().length === 0);
    expect(await store.readFile('d/f.txt', { encoding: 'utf8' })).toBe(OLD);
    expect((await store.list('d')).map((e) => e.name)).toEqual(['f.txt']);
  });

  it('an abort in the middle fails with ERR_ABORTED and leaves the old content, nothing else', async () => {
    const { engine, store } = await h.start({ profile });
    await store.writeFile('a/f.txt', OLD);
    const ctl = new AbortController();
    const source = new Readable({ read() {} });
    const done = pipeline(source, store.createWriteStream('a/f.txt', { signal: ctl.signal }));
    source.push(randomBytes(50_000));
    await until(() => storeRequests(engine, 'fs_write').length > 0);
    ctl.abort();
    await expect(done).rejects.toMatchObject({ code: 'ERR_ABORTED', message: 'Writing a/f.txt was aborted; nothing was written there' });
    await until(() => engine.storeHandles().length === 0);
    expect(await store.readFile('a/f.txt', { encoding: 'utf8' })).toBe(OLD);
    expect((await store.list('a')).map((e) => e.name)).toEqual(['f.txt']);
  });

  it('a socket cut in the middle fails the stream, keeps the old content, and the temporary file goes at the next connect', async () => {
    const { engine, client, store } = await h.start({ profile });
    await store.writeFile('c/f.bin', OLD);
    engine.faults.closeAfterBytes(3 * 1024 * 1024);
    const error = await pipeline(Readable.from([randomBytes(2 * 1024 * 1024), randomBytes(2 * 1024 * 1024)]), store.createWriteStream('c/f.bin', { maxWriteBytes: 1024 * 1024 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    await client.connect();
    await until(async () => (await store.list('c')).length === 1);
    expect(await store.readFile('c/f.bin', { encoding: 'utf8' })).toBe(OLD);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('a server error on the final rename fails the stream with its code; old content kept, temporary file deleted', async () => {
    const { engine, client, store } = await h.start({ profile });
    await store.writeFile('r/f.txt', OLD);
    const { handle } = await (await h.client(engine)).fsOpen('r/f.txt');
    const error = await pipeline(Readable.from([Buffer.from('new content')]), store.createWriteStream('r/f.txt')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE_LOCKED', message: 'Cannot modify: handle open under r/f.txt/' });
    expect(handle).toEqual(expect.any(String));
    expect(await client.fsReadString('r/f.txt')).toBe(OLD);
    expect((await store.list('r')).map((e) => e.name)).toEqual(['f.txt']);
  });

  it('overwrite: false fails ERR_STORE_EXISTS before a byte is sent; a new path is fine', async () => {
    const { engine, store } = await h.start({ profile });
    await store.writeFile('o.txt', OLD);
    const before = storeOps(engine).length;
    const error = await pipeline(Readable.from([Buffer.from('x')]), store.createWriteStream('o.txt', { overwrite: false })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE_EXISTS', message: 'Destination already exists: o.txt' });
    expect(storeOps(engine).slice(before)).toEqual(['fs_stat']);
    await pipeline(Readable.from([Buffer.from('y')]), store.createWriteStream('p.txt', { overwrite: false }));
    expect(await store.readFile('p.txt', { encoding: 'utf8' })).toBe('y');
  });
});

describe('createWriteStream: bad input', () => {
  it('a chunk that is not bytes or text destroys the stream with ERR_INVALID_CHUNK; nothing is left', async () => {
    const { engine, store } = await h.start();
    const sink = store.createWriteStream('bad.txt');
    sink.on('error', () => {});
    sink.write({ not: 'bytes' });
    await new Promise((resolve) => sink.once('close', resolve));
    expect(sink.errored).toMatchObject({ code: 'ERR_INVALID_CHUNK', message: 'A store write stream takes Buffer, Uint8Array or string chunks, got Object' });
    await until(() => engine.storeHandles().length === 0);
    expect(await store.list()).toEqual([]);
    expect(storeRequests(engine, 'fs_write')).toEqual([]);
  });

  it('bad arguments throw at once with a code, and nothing is sent', async () => {
    const { engine, store } = await h.start();
    const cases: Array<[() => unknown, string, string]> = [
      [() => store.createWriteStream('a/../../b'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: a/../../b'],
      [() => store.createWriteStream('a>b'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: a>b'],
      [() => store.createWriteStream('/'), 'ERR_STORE_PATH', 'path must name a file or directory below the store root, got "/"'],
      [() => store.createWriteStream('a', { overwrite: 'yes' as never }), 'ERR_INVALID_ARGUMENT', 'overwrite must be a boolean'],
      [() => store.createWriteStream('a', { maxWriteBytes: 0 }), 'ERR_INVALID_ARGUMENT', 'maxWriteBytes must be a positive integer'],
      [() => store.writable('a', { highWaterMark: -1 }), 'ERR_INVALID_ARGUMENT', 'highWaterMark must be a positive integer'],
      [() => store.createWriteStream('a', { signal: 'x' as never }), 'ERR_INVALID_ARGUMENT', 'options.signal must be an AbortSignal'],
    ];
    for (const [call, code, message] of cases) expect(call).toThrow(expect.objectContaining({ code, message }));
    await tick();
    expect(storeOps(engine)).toEqual([]);
  });
});

describe('writable (WHATWG)', () => {
  it('pipeTo writes the file atomically; abort() leaves the old content', async () => {
    const { engine, store } = await h.start();
    const parts = [randomBytes(100_000), randomBytes(100_000)];
    await ReadableStream.from(parts).pipeTo(store.writable('web.bin'));
    expect((await store.readFile('web.bin')).equals(Buffer.concat(parts))).toBe(true);
    const w = store.writable('web.bin').getWriter();
    await w.write(randomBytes(10_000));
    await w.abort(new Error('changed my mind'));
    expect((await store.readFile('web.bin')).equals(Buffer.concat(parts))).toBe(true);
    expect((await store.list()).map((e) => e.name)).toEqual(['web.bin']);
    expect(engine.storeHandles()).toEqual([]);
  });
});
