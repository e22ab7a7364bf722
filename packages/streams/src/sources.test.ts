import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, PipeError, ValidationError } from '@rocketride-streams/core';
import { createPipe } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';
import { upload } from './upload.js';
import { uploadFiles } from './upload-files.js';
import { createWritable } from './web-writable.js';

let fx: Fixture | undefined;
let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
  await fx?.close();
  fx = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const webStream = (parts: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });

describe('writable(): a WHATWG WritableStream', () => {
  it('web ReadableStream.pipeTo(writable) delivers every byte and the result', async () => {
    fx = await startFixture({ ackDelayMs: 2 });
    const data = chunks(40, 50_000);
    const sink = createWritable(fx.client, fx.token, { name: 'web.bin', maxWriteBytes: 256 * 1024 });
    await webStream(data).pipeTo(sink);
    const record = fx.engine.pipes().at(-1)!;
    expect(sha256(record.received)).toBe(sha256(data));
    expect(record.writes).toBeLessThan(40); // gathered while a write was in flight
    expect((await sink.result).name).toBe('web.bin');
  });

  it('an aborted pipeTo abandons the pipe: no close is sent', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const sink = createWritable(fx.client, fx.token);
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new Uint8Array(1000));
        if (fx!.engine.pipes().at(-1)?.writes) ac.abort(new Error('user left'));
      },
    });
    await expect(source.pipeTo(sink, { signal: ac.signal })).rejects.toThrow('user left');
    await expect(sink.result).rejects.toThrow('user left');
    expect(fx.dataOps()).not.toContain('close');
  });

  it('a chunk of the wrong type errors the stream with a typed error, nothing sent for it', async () => {
    fx = await startFixture();
    const sink = createWritable(fx.client, fx.token);
    const writer = sink.getWriter();
    await expect(writer.write(42 as unknown as Uint8Array)).rejects.toBeInstanceOf(ValidationError);
    await expect(sink.result).rejects.toMatchObject({ code: 'ERR_INVALID_CHUNK' });
    expect(fx.dataOps()).toEqual(['open']);
  });

  it('an engine failure at open rejects the writer', async () => {
    fx = await startFixture();
    const sink = createWritable(fx.client, 'no-such-task');
    await expect(webStream([new Uint8Array(3)]).pipeTo(sink)).rejects.toBeInstanceOf(PipeError);
  });
});

describe('upload()', () => {
  it('takes a Buffer, a string, an async iterable, a web stream, a Readable and { path }', async () => {
    fx = await startFixture();
    dir = await mkdtemp(join(tmpdir(), 'rr-upload-'));
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'from a file');
    async function* gen() {
      yield 'from ';
      yield Buffer.from('a generator');
    }
    const cases: Array<[Parameters<typeof upload>[2], string]> = [
      [Buffer.from('from a buffer'), 'from a buffer'],
      ['from a string', 'from a string'],
      [gen(), 'from a generator'],
      [webStream([Buffer.from('from a web stream')]), 'from a web stream'],
      [Readable.from([Buffer.from('from a readable')]), 'from a readable'],
      [{ path: file }, 'from a file'],
    ];
    for (const [source, expected] of cases) {
      await upload(fx.client, fx.token, source, { mimeType: 'application/octet-stream' });
      expect(fx.engine.pipes().at(-1)!.received.toString()).toBe(expected);
    }
    const fromFile = fx.engine.pipes().at(-1)!;
    expect(fromFile.object).toMatchObject({ name: 'notes.txt', size: 11 });
  });

  it('infers name, size and MIME type from a path, and returns the text result', async () => {
    fx = await startFixture();
    dir = await mkdtemp(join(tmpdir(), 'rr-upload-'));
    const file = join(dir, 'story.txt');
    await writeFile(file, 'once upon a time');
    const result = await upload(fx.client, fx.token, { path: file });
    expect(result.text).toEqual(['once upon a time\n\n']);
    expect(fx.engine.pipes().at(-1)!.mimeType).toBe('text/plain');
  });

  it('a missing file is a ValidationError and nothing is opened', async () => {
    fx = await startFixture();
    await expect(upload(fx.client, fx.token, { path: '/nonexistent/nope.bin' })).rejects.toMatchObject({ code: 'ERR_INVALID_SOURCE' });
    await expect(upload(fx.client, fx.token, 42 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_SOURCE' });
    expect(fx.dataOps()).toEqual([]);
  });

  it('aborting the signal rejects with AbortError and commits nothing', async () => {
    fx = await startFixture({ ackDelayMs: 30 });
    const ac = new AbortController();
    // Small writes, and the abort once the first one was acknowledged: the upload is then mid-way
    // whatever the machine's speed (a timer raced the whole upload once writes became 4 MiB).
    const run = upload(fx.client, fx.token, Readable.from(chunks(50, 64 * 1024)), {
      signal: ac.signal,
      maxWriteBytes: 64 * 1024,
      onProgress: (p) => {
        if (p.writes === 1) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(fx.dataOps()).not.toContain('close');
  });
});

describe('uploadFiles()', () => {
  it('uploads through a bounded pool, results in input order, one failure isolated', async () => {
    fx = await startFixture({ ackDelayMs: 5 });
    dir = await mkdtemp(join(tmpdir(), 'rr-files-'));
    const paths: string[] = [];
    for (let i = 0; i < 7; i++) {
      const p = join(dir, `f${i}.bin`);
      await writeFile(p, Buffer.alloc(100_000 + i, i));
      paths.push(p);
    }
    const files = [...paths.slice(0, 3), join(dir, 'missing.bin'), ...paths.slice(3)];
    let maxOpen = 0;
    const progress: number[] = [];
    const results = await uploadFiles(fx.client, fx.token, files, {
      concurrency: 3,
      onProgress: (p) => {
        maxOpen = Math.max(maxOpen, fx!.engine.pipes().filter((r) => r.state === 'open').length);
        progress.push(p.bytesAcknowledged);
      },
    });
    expect(results.map((r) => r.path)).toEqual(files);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, true]);
    expect(results[3]!.error).toMatchObject({ code: 'ERR_INVALID_SOURCE' });
    expect(maxOpen).toBeLessThanOrEqual(3);
    expect(maxOpen).toBeGreaterThan(1);
    for (const [i, r] of results.entries()) {
      if (!r.ok) continue;
      const n = i < 3 ? i : i - 1;
      expect(r.result?.name).toBe(`f${n}.bin`);
      expect(r.bytesAcknowledged).toBe(100_000 + n);
    }
    expect(progress.at(-1)).toBe(7 * 100_000 + 21);
    expect(fx.engine.pipes().filter((p) => p.state === 'closed')).toHaveLength(7);
  });

  it('refuses a bad concurrency before opening anything', async () => {
    fx = await startFixture();
    await expect(uploadFiles(fx.client, fx.token, ['a'], { concurrency: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    expect(fx.dataOps()).toEqual([]);
  });
});

describe('an HTTP request body streamed into a pipe', () => {
  it('req → rocketride.pipe(token) with the body sent by undici; the result is the response', async () => {
    fx = await startFixture({ ackDelayMs: 1 });
    const f = fx;
    server = createServer(async (req, res) => {
      const sink = createPipe(f.client, f.token, { name: String(req.headers['x-name']), mimeType: req.headers['content-type'] ?? 'application/octet-stream' });
      try {
        await pipeline(req, sink);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await sink.result));
      } catch (err) {
        res.writeHead(502).end(String(err));
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const body = chunks(64, 64 * 1024); // 4 MiB, streamed
    const res = await request(`http://127.0.0.1:${port}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-name': 'body.bin' },
      body: Readable.from(body),
    });
    expect(res.statusCode).toBe(200);
    const result = (await res.body.json()) as { name: string };
    expect(result.name).toBe('body.bin');
    expect(sha256(fx.engine.pipes().at(-1)!.received)).toBe(sha256(body));
  });
});
