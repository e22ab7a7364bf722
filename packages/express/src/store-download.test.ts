// storeDownloadHandler: a store file streamed to an HTTP response, with Range support, on Express 4, 5 and node:http.
import { randomBytes } from 'node:crypto';
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { connect, type RocketRide } from 'rocketride-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeDownloadHandler, parseRange } from './store-download.js';
import { closeServer, listen, sha256, until } from './test-support/fixture.js';

const BIG = randomBytes(6 * 1024 * 1024);
const SMALL = Buffer.from('0123456789abcdefghij');

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('storeDownloadHandler on %s', (_label, express) => {
  let rocketride: RocketRide;
  let server: Server | undefined;
  let base: string;

  beforeAll(async () => {
    rocketride = await connect({ embedded: true, env: {} });
    await rocketride.store.writeFile('files/big.bin', BIG);
    await rocketride.store.writeFile('files/small.txt', SMALL);
    await rocketride.store.writeFile('files/data.json', '{"a":1}');
    await rocketride.store.mkdir('files/dir');
    const app = express();
    app.get(/^\/files\/(.+)$/, storeDownloadHandler(rocketride, { path: (req) => `files/${decodeURIComponent((req as unknown as { params: Record<string, string> }).params[0]!)}` }));
    app.get('/attach', storeDownloadHandler(rocketride, { path: () => 'files/small.txt', attachment: true }));
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await closeServer(server);
    await rocketride.disconnect();
  });
  afterEach(() => {
    rocketride.engine!.faults.reset();
  });

  const storeRequests = () => rocketride.engine!.requests().filter((r) => r.command === 'rrext_store').length;

  it('200 with Content-Length, Content-Type from the name, Accept-Ranges, and the exact bytes', async () => {
    const res = await fetch(`${base}/files/big.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(BIG.length));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(BIG));
    const json = await fetch(`${base}/files/data.json`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.text()).toBe('{"a":1}');
    expect(rocketride.engine!.storeHandles()).toEqual([]);
  });

  it('Range → 206 with Content-Range and only those bytes; a suffix range; an open-ended one', async () => {
    const mid = await fetch(`${base}/files/small.txt`, { headers: { range: 'bytes=5-9' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe('bytes 5-9/20');
    expect(mid.headers.get('content-length')).toBe('5');
    expect(await mid.text()).toBe('56789');
    const suffix = await fetch(`${base}/files/small.txt`, { headers: { range: 'bytes=-3' } });
    expect([suffix.status, suffix.headers.get('content-range'), await suffix.text()]).toEqual([206, 'bytes 17-19/20', 'hij']);
    const open = await fetch(`${base}/files/big.bin`, { headers: { range: `bytes=${BIG.length - 1000}-` } });
    expect(open.status).toBe(206);
    expect(Buffer.from(await open.arrayBuffer()).equals(BIG.subarray(BIG.length - 1000))).toBe(true);
    const reads = rocketride.engine!.requests().filter((r) => r.arguments.subcommand === 'fs_read').at(-1)!;
    expect(reads.arguments.offset).toBe(BIG.length - 1000);
  });

  it('a range outside the file → 416 with Content-Range bytes */size; several ranges → the whole file', async () => {
    const res = await fetch(`${base}/files/small.txt`, { headers: { range: 'bytes=20-30' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */20');
    expect(await res.json()).toEqual({ error: { code: 'ERR_RANGE_NOT_SATISFIABLE', message: 'The range is outside the file (20 bytes)' } });
    const many = await fetch(`${base}/files/small.txt`, { headers: { range: 'bytes=0-1,5-6' } });
    expect([many.status, await many.text()]).toEqual([200, SMALL.toString()]);
  });

  it('a Range sent with If-Range is ignored (no validator can match): 200 and the whole file', async () => {
    for (const ifRange of ['"some-etag"', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const res = await fetch(`${base}/files/small.txt`, { headers: { range: 'bytes=5-9', 'if-range': ifRange } });
      expect([res.status, res.headers.get('content-range'), await res.text()]).toEqual([200, null, SMALL.toString()]);
    }
  });

  it('HEAD sends the headers without opening the file', async () => {
    const before = rocketride.engine!.requests().filter((r) => r.arguments.subcommand === 'fs_open').length;
    const res = await fetch(`${base}/files/big.bin`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(BIG.length));
    expect(rocketride.engine!.requests().filter((r) => r.arguments.subcommand === 'fs_open').length).toBe(before);
  });

  it('a missing file or a directory → 404 with the code; a path the engine would refuse → 400, nothing sent', async () => {
    const missing = await fetch(`${base}/files/nope.txt`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'ERR_STORE_NOT_FOUND', message: 'files/nope.txt does not exist' } });
    const dir = await fetch(`${base}/files/dir`);
    expect(dir.status).toBe(404);
    expect(((await dir.json()) as { error: { code: string } }).error.code).toBe('ERR_STORE_IS_DIRECTORY');
    const before = storeRequests();
    const bad = await fetch(`${base}/files/a%3Ab`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'ERR_STORE_PATH_CHARS', message: 'Path contains invalid characters: files/a:b' } });
    expect(storeRequests()).toBe(before);
  });

  it('Content-Disposition: attachment with the file name when asked', async () => {
    const res = await fetch(`${base}/attach`);
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''small.txt");
    expect(await res.text()).toBe(SMALL.toString());
  });

  it('a client that goes away in the middle: the reads stop and the store handle is closed', async () => {
    rocketride.engine!.faults.delayResponse('rrext_store:fs_read', 20);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${base}/files/big.bin`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end();
      setTimeout(() => reject(new Error('no data')), 10_000).unref();
    });
    await until(() => rocketride.engine!.storeHandles().length === 0, 'the handle to be closed');
    const reads = rocketride.engine!.requests().filter((r) => r.arguments.subcommand === 'fs_read').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(rocketride.engine!.requests().filter((r) => r.arguments.subcommand === 'fs_read').length).toBe(reads);
  });
});

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', 10, { start: 0, end: 0 }],
    ['bytes=2-100', 10, { start: 2, end: 9 }],
    ['bytes=-100', 10, { start: 0, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=5-2', 10, undefined],
    ['items=0-1', 10, undefined],
    ['bytes=0-1,3-4', 10, undefined],
    [undefined, 10, undefined],
  ] as const)('%s of %i bytes → %j', (h, size, expected) => {
    expect(parseRange(h, size)).toEqual(expected);
  });
});

describe('storeDownloadHandler on node:http', () => {
  it('refuses bad options when the handler is made, with ERR_INVALID_ARGUMENT (not a TypeError or a 400 on every request)', () => {
    for (const [bad, message] of [
      [{ contentType: 'text/plain' }, 'storeDownloadHandler: `contentType` must be a function of the path and the request'],
      [{ attachment: 'x.txt' }, 'storeDownloadHandler: `attachment` must be true, false or a function of the path and the request'],
      [{ highWaterMark: -1 }, 'storeDownloadHandler: `highWaterMark` must be a positive integer'],
      [{ highWaterMark: '1mb' }, 'storeDownloadHandler: `highWaterMark` must be a positive integer'],
    ] as const) {
      expect(() => storeDownloadHandler({} as never, { path: () => 'x.txt', ...bad } as never)).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message }),
      );
    }
  });

  it('works without Express (no next): a missing file is a 404', async () => {
    const rocketride = await connect({ embedded: true, env: {} });
    const server = createServer(storeDownloadHandler(rocketride, { path: (req) => (req.url ?? '/').slice(1) }));
    try {
      const base = await listen(server);
      await rocketride.store.writeFile('x.txt', 'x');
      expect(await (await fetch(`${base}/x.txt`)).text()).toBe('x');
      expect((await fetch(`${base}/y.txt`)).status).toBe(404);
      expect(() => storeDownloadHandler(rocketride, {} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    } finally {
      await closeServer(server);
      await rocketride.disconnect();
    }
  });
});

describe('a file cut short while it is sent', () => {
  it('the response is aborted, never ended short of its Content-Length (the client would wait for the rest); the handle is closed', async () => {
    const rocketride = await connect({ embedded: true, env: {} });
    const server = createServer(storeDownloadHandler(rocketride, { path: () => 'shrink.bin', highWaterMark: 64 * 1024 }));
    server.keepAliveTimeout = 0; // the idle connection is never closed by the server: only an abort ends a short response
    try {
      const base = await listen(server);
      await rocketride.store.writeFile('shrink.bin', randomBytes(2 * 1024 * 1024));
      const onDisk = join(rocketride.engine!.storeDir, 'users/local/files/shrink.bin');
      expect(statSync(onDisk).size).toBe(2 * 1024 * 1024);
      rocketride.engine!.faults.delayResponse('rrext_store:fs_read', 20);
      const outcome = await new Promise<{ how: string; got: number; promised: string | undefined }>((resolve) => {
        let got = 0;
        const req = httpRequest(`${base}/`, (res) => {
          res.on('data', (chunk: Buffer) => {
            if (got === 0) truncateSync(onDisk, 100_000); // a writer truncates the file after the first bytes went out
            got += chunk.length;
          });
          res.on('end', () => resolve({ how: 'ended', got, promised: res.headers['content-length'] }));
          res.on('error', () => resolve({ how: 'aborted', got, promised: res.headers['content-length'] }));
        });
        req.on('error', () => resolve({ how: 'aborted', got, promised: undefined }));
        req.end();
      });
      expect(outcome.how).toBe('aborted');
      expect(outcome.promised).toBe(String(2 * 1024 * 1024));
      expect(outcome.got).toBeLessThan(2 * 1024 * 1024);
      await until(() => rocketride.engine!.storeHandles().length === 0, 'the handle to be closed');
    } finally {
      await closeServer(server);
      await rocketride.disconnect();
    }
  });
});
