import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, AuthenticationError, ConnectionError, PipeError, ValidationError } from '@rocketride-streams/core';
import { httpBaseUrl, httpUpload } from './http-upload.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const target = (f: Fixture, auth = 'test-key') => ({ uri: f.client.getConnectionInfo().uri, auth });

describe('httpUpload(): POST /task/data over undici', () => {
  it('uploads a file: every byte, its name, size and MIME type', async () => {
    fx = await startFixture();
    dir = await mkdtemp(join(tmpdir(), 'rr-http-'));
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const path = join(dir, 'photo.png');
    await writeFile(path, data);
    const result = await httpUpload(target(fx), fx.token, { path });
    const record = fx.engine.pipes().at(-1)!;
    expect(sha256(record.received)).toBe(sha256(data));
    expect(record.object).toMatchObject({ name: 'photo.png', size: data.length });
    expect(record.mimeType).toBe('image/png');
    expect(record.state).toBe('closed');
    expect(result).toMatchObject({ name: 'photo.png', objectId: expect.any(String) });
    expect(result).not.toHaveProperty('status');
  });

  it('uploads a stream of unknown length (chunked) to the /webhook alias', async () => {
    fx = await startFixture();
    const data = chunks(50, 40_000);
    const result = await httpUpload({ httpUrl: fx.engine.httpUrl, auth: 'k' }, fx.token, Readable.from(data), { name: 'stream.bin', endpoint: '/webhook' });
    const record = fx.engine.pipes().at(-1)!;
    expect(sha256(record.received)).toBe(sha256(data));
    expect(record.object).not.toHaveProperty('size');
    expect(record.mimeType).toBe('application/octet-stream');
    expect(result.name).toBe('stream.bin');
  });

  it('a text body gives the same result shape as over the WebSocket', async () => {
    fx = await startFixture();
    const result = await httpUpload(target(fx), fx.token, 'hi', { mimeType: 'text/plain' });
    expect(result).toEqual({ name: expect.stringMatching(/^stream-/), path: '', objectId: expect.any(String), text: ['hi\n\n'], result_types: { text: 'text' } });
  });

  it('a non-ASCII name is sent with an RFC 8187 filename* and an ASCII fallback', async () => {
    fx = await startFixture();
    const result = await httpUpload(target(fx), fx.token, Buffer.from('x'), { name: 'résumé.txt' });
    expect(result.name).toBe('r_sum_.txt'); // the simulator, like a plain parser, reads filename=
    expect(fx.engine.pipes().at(-1)!.mimeType).toBe('text/plain');
  });

  it('a wrong key is an AuthenticationError and opens no pipe', async () => {
    fx = await startFixture({ apiKey: 'test-key' });
    const err = await httpUpload(target(fx, 'wrong'), fx.token, randomBytes(2 * 1024 * 1024)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ code: 'ERR_AUTHENTICATION', serverMessage: 'Access denied' });
    expect(fx.engine.pipes()).toHaveLength(0);
  });

  it('an unknown token is a PipeError with the engine message', async () => {
    // The HTTP bridge checks the token per object: HTTP 200, with an error entry for the object.
    fx = await startFixture();
    const err = await httpUpload(target(fx), 'no-such-task', 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipeError);
    expect(err).toMatchObject({ code: 'ERR_PIPE_UPLOAD', serverMessage: 'Your pipeline is not running' });
  });

  it('an object the engine failed (status "Error") is a PipeError with the server message', async () => {
    fx = await startFixture();
    const err = await httpUpload(target(fx), fx.token, Buffer.from([0x68, 0xff, 0xfe]), { mimeType: 'text/plain' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipeError);
    expect((err as PipeError).code).toBe('ERR_PIPE_UPLOAD');
    expect((err as PipeError).serverMessage).toMatch(/utf-?8/i);
  });

  it('a pipeline failure reported in the result is a PipeError (ERR_PIPE_RESULT)', async () => {
    fx = await startFixture();
    fx.engine.faults.failPipeline(true, 'parser exploded');
    const err = await httpUpload(target(fx), fx.token, 'x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PIPE_RESULT', serverMessage: 'parser exploded' });
    expect(err).toBeInstanceOf(PipeError);
  });

  it('aborting mid-body cuts the request: AbortError, and the engine commits nothing', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const engine = fx.engine;
    let produced = 0;
    const source = new Readable({
      read() {
        produced++;
        if ((engine.pipes().at(-1)?.bytes ?? 0) > 256 * 1024) ac.abort(new Error('user left'));
        setImmediate(() => this.push(randomBytes(16 * 1024)));
      },
    });
    const err = await httpUpload(target(fx), fx.token, source, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(produced).toBeGreaterThan(1);
    expect(source.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 20)); // let the engine see the cut connection
    expect(engine.pipes().at(-1)!.state).not.toBe('closed');
    expect(engine.pipes().at(-1)!.result).toBeUndefined();
  });

  it('an already aborted signal sends nothing', async () => {
    fx = await startFixture();
    const err = await httpUpload(target(fx), fx.token, 'x', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(fx.engine.pipes()).toHaveLength(0);
  });

  it('a source that fails rejects with its own error and commits nothing', async () => {
    fx = await startFixture();
    async function* failing() {
      yield randomBytes(100_000);
      throw new Error('disk gone');
    }
    await expect(httpUpload(target(fx), fx.token, failing())).rejects.toThrow('disk gone');
    await new Promise((r) => setTimeout(r, 20));
    expect(fx.engine.pipes().every((p) => p.state !== 'closed')).toBe(true);
  });

  it('a size that does not match the body fails and commits nothing', async () => {
    fx = await startFixture();
    const err = await httpUpload(target(fx), fx.token, Readable.from([Buffer.alloc(10)]), { size: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('ERR_SIZE_MISMATCH');
    await new Promise((r) => setTimeout(r, 20));
    expect(fx.engine.pipes().every((p) => p.state !== 'closed')).toBe(true);
  });

  it('a refused connection is a ConnectionError', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    await new Promise((r) => srv.close(r));
    const err = await httpUpload({ httpUrl: `http://127.0.0.1:${port}`, auth: 'k' }, 'T', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).code).toBe('ERR_CONNECTION_LOST');
  });

  it('checks token and credential before sending', async () => {
    await expect(httpUpload({ httpUrl: 'http://127.0.0.1:1', auth: 'k' }, '', 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_TOKEN' });
    await expect(httpUpload({ httpUrl: 'http://127.0.0.1:1', auth: '' }, 'T', 'x')).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('streams a 64 MiB body: at most 16 MiB produced ahead of what the engine received', async () => {
    fx = await startFixture({ record: false });
    const engine = fx.engine;
    const total = 64 * 1024 * 1024;
    const chunk = 64 * 1024;
    let produced = 0;
    let maxAhead = 0;
    const source = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        const received = engine.pipes().at(-1)?.bytes ?? 0;
        maxAhead = Math.max(maxAhead, produced - received);
        produced += chunk;
        this.push(randomBytes(chunk)); // a fresh buffer each time: nothing is shared
      },
    });
    const result = await httpUpload(target(fx), fx.token, source, { name: 'big.bin' });
    expect(result.name).toBe('big.bin');
    const record = engine.pipes().at(-1)!;
    expect(record.bytes).toBe(total);
    expect(record.writes).toBeGreaterThan(100);
    // Buffering the whole body first would make this 64 MiB; socket buffers and stream high-water marks bound it.
    expect(maxAhead).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('httpBaseUrl()', () => {
  it('derives http(s) from the WebSocket URI and drops the path', () => {
    expect(httpBaseUrl({ uri: 'ws://127.0.0.1:5565/task/service' })).toBe('http://127.0.0.1:5565');
    expect(httpBaseUrl({ uri: 'wss://engine.example:8443/task/service' })).toBe('https://engine.example:8443');
    expect(httpBaseUrl({ uri: 'localhost' })).toBe('http://localhost:5565');
    expect(httpBaseUrl({ httpUrl: 'https://proxy.example/rr/', uri: 'ws://ignored' })).toBe('https://proxy.example/rr');
    expect(() => httpBaseUrl({})).toThrow(ValidationError);
    expect(() => httpBaseUrl({ httpUrl: 'ftp://x' })).toThrow(ValidationError);
  });
});
