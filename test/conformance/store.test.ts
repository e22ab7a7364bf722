/**
 * PROTOCOL.md §16.L cases 1–11 and 35: `rrext_store` handles and the binary `fs_read` response (§16.B, §16.C).
 * Cases that differ between HEAD and a corrected server (HEAD⚠) run under both simulator profiles.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, eventually, useEngine } from './helpers/env.js';
import { UUID_V4 } from './helpers/ids.js';
import {
  everyByte,
  expectFailure,
  expectNoBody,
  getFile,
  openHandle,
  putFile,
  readHeader,
  splitBinary,
  stat,
  store,
  storeCall,
  storeText,
} from './helpers/store.js';

const MiB4 = 4_194_304;

describe('store: handles and framing', () => {
  const ctx = useEngine();

  it('§16.1 fs_open w answers exactly {handle} with a UUIDv4 handle', async () => {
    const c = await ctx.authed();
    const res = await store(c, 'fs_open', { path: 'conf/a.txt', mode: 'w' });
    expect(res).toMatchObject({ type: 'response', command: 'rrext_store', success: true });
    expect(res.body).toEqual({ handle: expect.any(String) });
    expect(res.body.handle).toMatch(UUID_V4);
  });

  it('§16.2 fs_write: a binary frame counts its bytes, no data writes 0, a text-frame string its UTF-8 length; writes append', async () => {
    const c = await ctx.authed();
    const handle = await openHandle(c, 'conf/w.txt', 'w');
    const bin = await storeCall(c, 'fs_write', { handle, data: Buffer.from('0123456789\n\0ab') });
    expect(bin.response.body).toEqual({ bytesWritten: 14 });
    expect((await store(c, 'fs_write', { handle })).body).toEqual({ bytesWritten: 0 });
    // `data` as a string in a TEXT frame.
    expect((await storeText(c, 'fs_write', { handle, data: 'héllo' })).body).toEqual({ bytesWritten: 6 });
    expectNoBody(await store(c, 'fs_close', { handle, mode: 'w' }));
    expect(await getFile(c, 'conf/w.txt')).toEqual(Buffer.from('0123456789\n\0abhéllo'));
  });

  it('§16.3 fs_close w has no body; fs_open r answers exactly {handle, size}', async () => {
    const c = await ctx.authed();
    const handle = await openHandle(c, 'conf/a.txt', 'w');
    await store(c, 'fs_write', { handle, data: 'hello world' });
    expectNoBody(await store(c, 'fs_close', { handle, mode: 'w' }));
    const res = await store(c, 'fs_open', { path: 'conf/a.txt', mode: 'r' });
    expect(res.success).toBe(true);
    expect(res.body).toEqual({ handle: expect.stringMatching(UUID_V4), size: 11 });
    // Any mode but "w" reads, the default included.
    expect((await store(c, 'fs_open', { path: 'conf/a.txt' })).body).toEqual({ handle: expect.any(String), size: 11 });
    expect((await store(c, 'fs_open', { path: 'conf/a.txt', mode: 'W' })).body.size).toBe(11);
  });

  it('§16.4 fs_read is ONE binary frame: a Python json.dumps header line, 0x0A, then exactly the bytes', async () => {
    const c = await ctx.authed();
    const content = everyByte(256);
    await putFile(c, 'conf/bytes.bin', content);
    const handle = await openHandle(c, 'conf/bytes.bin', 'r');
    const from = c.frames.length;
    const { response, frame } = await storeCall(c, 'fs_read', { handle, offset: 0, length: content.length + 100 });
    expect(c.frames.slice(from)).toHaveLength(1);
    expect(frame.binary).toBe(true);
    const raw = frame.raw as Buffer;
    const { header, payload } = splitBinary(raw);
    const parsed = JSON.parse(header);
    expect(header).toBe(readHeader(parsed.seq, response.request_seq, 256));
    expect(parsed).toEqual({
      type: 'response',
      seq: expect.any(Number),
      request_seq: response.request_seq,
      command: 'rrext_store',
      success: true,
      body: { size: 256 },
      arguments: {},
    });
    expect(payload.equals(content)).toBe(true);
    expect(raw.length).toBe(Buffer.byteLength(header) + 1 + 256);
    // The server seq is the connection's ordinary counter: one more than the previous response.
    expect(parsed.seq).toBe(c.frames[from - 1]!.msg!.seq + 1);

    const part = await storeCall(c, 'fs_read', { handle, offset: 5, length: 10 });
    expect(part.frame.binary).toBe(true);
    expect(part.response.body).toEqual({ size: 10 });
    expect(splitBinary(part.frame.raw as Buffer).payload.equals(content.subarray(5, 15))).toBe(true);
  });

  it('§16.4 a failing fs_read is an ordinary text frame', async () => {
    const c = await ctx.authed();
    const { response, frame } = await storeCall(c, 'fs_read', { handle: 'nope' });
    expect(frame.binary).toBe(false);
    expectFailure(response, 'Invalid handle: nope');
  });

  it('§16.5 fs_read at the end of the file: a binary frame with body {size:0} and nothing after the 0x0A', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/e.txt', 'hello');
    const handle = await openHandle(c, 'conf/e.txt', 'r');
    for (const offset of [5, 50]) {
      const { response, frame } = await storeCall(c, 'fs_read', { handle, offset });
      expect(frame.binary).toBe(true);
      const raw = frame.raw as Buffer;
      expect(raw[raw.length - 1]).toBe(0x0a);
      expect(raw.indexOf(0x0a)).toBe(raw.length - 1);
      expect(response.body).toEqual({ size: 0 });
      expect(raw.toString('utf8')).toBe(`${readHeader(response.seq, response.request_seq, 0)}\n`);
    }
  });

  it('§16.6 reads are clamped to 4 MiB; bad offsets read from 0, bad lengths read 4 MiB', async () => {
    const c = await ctx.authed();
    const content = everyByte(MiB4 + 1000);
    await putFile(c, 'conf/big.bin', content);
    const handle = await openHandle(c, 'conf/big.bin', 'r');
    const read = async (args: Record<string, unknown>) => {
      const res = await store(c, 'fs_read', { handle, ...args }, 10_000);
      expect(res.success, JSON.stringify(res.body)).toBe(true);
      return res;
    };
    const first = await read({ offset: 0, length: 8_388_608 });
    expect(first.body).toEqual({ size: MiB4 });
    expect((first.arguments.data as Buffer).equals(content.subarray(0, MiB4))).toBe(true);
    const rest = await read({ offset: MiB4 });
    expect(rest.body).toEqual({ size: 1000 });
    expect((rest.arguments.data as Buffer).equals(content.subarray(MiB4))).toBe(true);
    for (const length of [0, undefined, '10', -3, 2.5]) {
      expect((await read({ offset: 0, ...(length === undefined ? {} : { length }) })).body).toEqual({ size: MiB4 });
    }
    for (const offset of [-5, 1.5, '7']) {
      const res = await read({ offset, length: 20 });
      expect((res.arguments.data as Buffer).equals(content.subarray(0, 20))).toBe(true);
    }
  });

  it('§16.7 invalid handle, wrong mode, another connection, second close', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    expectFailure(await store(a, 'fs_read', { handle: 'h' }), 'Invalid handle: h');
    const w = await openHandle(a, 'conf/x.txt', 'w');
    expectFailure(await store(a, 'fs_read', { handle: w }), 'Wrong handle mode: expected r, got w');
    expectFailure(await store(a, 'fs_close', { handle: w }), 'Wrong handle mode: expected r, got w');
    expectFailure(await store(b, 'fs_write', { handle: w, data: 'x' }), 'Handle belongs to another connection');
    expectFailure(await store(b, 'fs_close', { handle: w, mode: 'w' }), 'Handle belongs to another connection');
    expectNoBody(await store(a, 'fs_close', { handle: w, mode: 'w' }));
    expectFailure(await store(a, 'fs_close', { handle: w, mode: 'w' }), `Invalid handle: ${w}`);
    const r = await openHandle(a, 'conf/x.txt', 'r');
    expectFailure(await store(a, 'fs_write', { handle: r, data: 'x' }), 'Wrong handle mode: expected w, got r');
    expectFailure(await store(b, 'fs_read', { handle: r }), 'Handle belongs to another connection');
    expectFailure(await store(a, 'fs_write', { data: 'x' }), 'Invalid handle: None');
  });

  it('§16.8 one writer per path: a second fs_open w and fs_delete are refused until fs_close', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    await putFile(a, 'conf/p.txt', 'old');
    const h = await openHandle(a, 'conf/p.txt', 'w');
    expectFailure(await store(a, 'fs_open', { path: 'conf/p.txt', mode: 'w' }), 'File already open for writing: conf/p.txt');
    // The message shows the path as sent; another spelling of the same path is the same lock.
    expectFailure(await store(b, 'fs_open', { path: '/conf//p.txt', mode: 'w' }), 'File already open for writing: /conf//p.txt');
    expectFailure(await store(b, 'fs_delete', { path: 'conf/p.txt' }), 'Cannot delete file while it is open for writing: conf/p.txt');
    // Readers take no lock.
    expect(typeof (await openHandle(b, 'conf/p.txt', 'r'))).toBe('string');
    expectNoBody(await store(a, 'fs_close', { handle: h, mode: 'w' }));
    expect(typeof (await openHandle(b, 'conf/p.txt', 'w'))).toBe('string');
  });

  it('§16.9 the 65th open handle of a connection is refused; other connections are unaffected', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    await putFile(a, 'conf/f.txt', 'x');
    const handles: string[] = [];
    for (let i = 0; i < 63; i++) handles.push(await openHandle(a, 'conf/f.txt', 'r'));
    handles.push(await openHandle(a, 'conf/w.txt', 'w'));
    const over = await store(a, 'fs_open', { path: 'conf/f.txt', mode: 'r' });
    expect(over.success).toBe(false);
    expect(over.message).toMatch(/^Too many open handles for connection \d+$/);
    const overW = await store(a, 'fs_open', { path: 'conf/other.txt', mode: 'w' });
    expect(overW.message).toBe(over.message);
    expect(typeof (await openHandle(b, 'conf/f.txt', 'r'))).toBe('string');
    expectNoBody(await store(a, 'fs_close', { handle: handles[0] }));
    expect(typeof (await openHandle(a, 'conf/f.txt', 'r'))).toBe('string');
    // Each connection has its own number.
    for (let i = 0; i < 63; i++) await openHandle(b, 'conf/f.txt', 'r');
    const overB = await store(b, 'fs_open', { path: 'conf/f.txt' });
    expect(overB.message).toMatch(/^Too many open handles for connection \d+$/);
    expect(overB.message).not.toBe(over.message);
  });

  it('§16.10 closing the socket commits a write handle: size 3, the path writable again, the handle gone', async () => {
    const a = await ctx.authed();
    const h = await openHandle(a, 'conf/c.txt', 'w');
    expect((await store(a, 'fs_write', { handle: h, data: 'abc' })).body).toEqual({ bytesWritten: 3 });
    await a.close();
    const b = await ctx.authed();
    expect(await eventually(async () => (await stat(b, 'conf/c.txt')).size === 3)).toBe(true);
    expect(typeof (await openHandle(b, 'conf/c.txt', 'w'))).toBe('string');
    expectFailure(await store(b, 'fs_close', { handle: h, mode: 'w' }), `Invalid handle: ${h}`);
    expect((await getFile(b, 'conf/c.txt')).toString()).toBe('abc');
  });

  it('§16.C.7 a connection that authenticates again keeps its handles', async () => {
    const c = await ctx.authed();
    const h = await openHandle(c, 'conf/re.txt', 'w');
    expect((await c.request('deauth')).success).toBe(true);
    expect((await c.request('auth', { auth: 'K' })).success).toBe(true);
    expect((await store(c, 'fs_write', { handle: h, data: 'again' })).body).toEqual({ bytesWritten: 5 });
    expectNoBody(await store(c, 'fs_close', { handle: h, mode: 'w' }));
    expect((await getFile(c, 'conf/re.txt')).toString()).toBe('again');
  });

  it('§16.B.5 a store path is the file <storeDir>/users/local/files/<path>', async () => {
    const c = await ctx.authed();
    await putFile(c, '/conf-probe//a.txt', 'on disk');
    const file = join(ctx.engine.storeDir, 'users', 'local', 'files', 'conf-probe', 'a.txt');
    expect(readFileSync(file, 'utf8')).toBe('on disk');
  });

  it('§16.C.5 a read handle goes on returning the old bytes after the file is deleted', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/gone.txt', 'still here');
    const h = await openHandle(c, 'conf/gone.txt', 'r');
    expectNoBody(await store(c, 'fs_delete', { path: 'conf/gone.txt' }));
    expect(await stat(c, 'conf/gone.txt')).toEqual({ exists: false });
    const res = await store(c, 'fs_read', { handle: h });
    expect((res.arguments.data as Buffer).toString()).toBe('still here');
  });

  it('§16.C.2 fs_write of a JSON number fails with the backend message, naming the storage key', async () => {
    const c = await ctx.authed();
    const h = await openHandle(c, 'conf-p2/i.txt', 'w');
    expectFailure(
      await storeText(c, 'fs_write', { handle: h, data: 5 }),
      "Failed to write chunk to users/local/files/conf-p2/i.txt: a bytes-like object is required, not 'int'",
    );
    expectFailure(
      await storeText(c, 'fs_write', { handle: h, data: { a: 1 } }),
      "Failed to write chunk to users/local/files/conf-p2/i.txt: a bytes-like object is required, not 'dict'",
    );
  });

  it('§16.C.2 one 5 MiB write is accepted', async () => {
    const c = await ctx.authed();
    const content = everyByte(5 * 1024 * 1024);
    const h = await openHandle(c, 'conf/5m.bin', 'w');
    expect((await store(c, 'fs_write', { handle: h, data: content }, 10_000)).body).toEqual({ bytesWritten: content.length });
    expectNoBody(await store(c, 'fs_close', { handle: h, mode: 'w' }));
    expect((await getFile(c, 'conf/5m.bin')).equals(content)).toBe(true);
  });
});

describe.each(PROFILES)('store: write visibility and deauth (profile %s)', (profile) => {
  const ctx = useEngine({ profile });

  it(`§16.11 HEAD⚠ fs_stat right after fs_open w of an 11-byte file → size ${profile === 'head' ? '0 (truncated at open)' : '11 until the commit'}`, async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/t.txt', 'hello world');
    const h = await openHandle(c, 'conf/t.txt', 'w');
    expect((await stat(c, 'conf/t.txt')).size).toBe(profile === 'head' ? 0 : 11);
    await store(c, 'fs_write', { handle: h, data: 'new' });
    const reader = await openHandle(c, 'conf/t.txt', 'r');
    const during = await store(c, 'fs_read', { handle: reader });
    expect((during.arguments.data as Buffer).toString()).toBe(profile === 'head' ? '' : 'hello world');
    expectNoBody(await store(c, 'fs_close', { handle: h, mode: 'w' }));
    expect(await stat(c, 'conf/t.txt')).toMatchObject({ type: 'file', size: 3 });
    expect((await getFile(c, 'conf/t.txt')).toString()).toBe('new');
  });

  it(`§16.35 HEAD⚠ a write handle open at deauth + disconnect ${profile === 'head' ? 'leaks: the path stays locked' : 'is committed and its lock released'}`, async () => {
    const a = await ctx.authed();
    await putFile(a, 'conf/leak.txt', 'old content');
    const h = await openHandle(a, 'conf/leak.txt', 'w');
    await store(a, 'fs_write', { handle: h, data: 'abc' });
    expect((await a.request('deauth')).success).toBe(true);
    await a.close();
    const b = await ctx.authed();
    if (profile === 'head') {
      // Give a cleanup that should not happen time to run, then check the lock is still held.
      expect(await eventually(() => ctx.engine.connectionCount() === 1)).toBe(true);
      expectFailure(await store(b, 'fs_open', { path: 'conf/leak.txt', mode: 'w' }), 'File already open for writing: conf/leak.txt');
      expectFailure(await store(b, 'fs_delete', { path: 'conf/leak.txt' }), 'Cannot delete file while it is open for writing: conf/leak.txt');
      expectFailure(
        await store(b, 'fs_rename', { old_path: 'conf/leak.txt', new_path: 'conf/moved.txt' }),
        'Cannot modify: file open for writing under users/local/files/conf/leak.txt/',
      );
      expectFailure(
        await store(b, 'fs_rmdir', { path: 'conf', recursive: true }),
        'Cannot modify: file open for writing under users/local/files/conf',
      );
      // The written bytes are never committed: the file stays as truncated at open.
      expect((await stat(b, 'conf/leak.txt')).size).toBe(0);
    } else {
      expect(await eventually(async () => (await store(b, 'fs_open', { path: 'conf/leak.txt', mode: 'w' })).success === true)).toBe(
        true,
      );
      expect((await stat(b, 'conf/leak.txt')).size).toBe(3);
    }
  });

  it('§16.10 a socket closed without deauth commits in both profiles', async () => {
    const a = await ctx.authed();
    const h = await openHandle(a, 'conf/c.txt', 'w');
    await store(a, 'fs_write', { handle: h, data: 'abc' });
    await a.close();
    const b = await ctx.authed();
    expect(await eventually(async () => (await stat(b, 'conf/c.txt')).size === 3)).toBe(true);
    expect(typeof (await openHandle(b, 'conf/c.txt', 'w'))).toBe('string');
  });
});

describe('store: directory option', () => {
  const ctx = useEngine();

  it('the default store directory is temporary and removed when the engine closes', async () => {
    const c = await ctx.authed();
    await putFile(c, 'a.txt', 'x');
    const dir = ctx.engine.storeDir;
    expect(existsSync(join(dir, 'users', 'local', 'files', 'a.txt'))).toBe(true);
    await c.close();
    await ctx.engine.close();
    expect(existsSync(dir)).toBe(false);
  });
});
