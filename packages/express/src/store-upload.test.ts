// storeUploadHandler: a request body streamed into a store file, atomically, with uploadHandler's integrity rules, on
// Express 4, 5 and node:http. Every failure shows that the path was not created or changed and that no temporary
// file was left in its folder.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type RocketRide, StoreError, type StoreErrorCode } from 'rocketride-streams';
import { describe, expect, it } from 'vitest';
import { httpStatusOf } from './http-errors.js';
import type { RequestLike } from './request-info.js';
import { receiveStoreUpload, storeUploadHandler, type StoreUploadOptions } from './store-upload.js';
import { EXPRESS_MAJORS, type Middleware, useApp } from './test-support/app.js';
import { closeServer, listen, sha256, until } from './test-support/fixture.js';
import { RawRequest } from './test-support/raw-http.js';

const OLD = 'the old content';
type ParamsRequest = RequestLike & { params: Record<string, string> };

describe.each(EXPRESS_MAJORS)('storeUploadHandler on %s', (_label, express) => {
  const t = useApp(express);
  let folder = 0;
  /** A folder of its own per test: `up<n>`. */
  const fresh = (): string => `up${++folder}`;

  /** PUT /files/:dir/:name → the store path `<dir>/<name>`. */
  const mount = (options: Omit<StoreUploadOptions, 'path'> = {}, before: Middleware[] = [], client: Pick<RocketRide, 'store' | 'isConnected'> = t.fx.rocketride) =>
    t.mount('put', '/files/:dir/:name', storeUploadHandler(client, { path: (req) => `${(req as ParamsRequest).params.dir}/${(req as ParamsRequest).params.name}`, ...options }), before);

  const store = () => t.fx.rocketride.store;
  const storeOps = (): string[] =>
    t.fx.engine
      .requests()
      .filter((r) => r.command === 'rrext_store')
      .map((r) => String(r.arguments.subcommand));
  const names = async (dir: string): Promise<string[]> => (await store().list(dir)).map((e) => e.name);
  /** The folder holds exactly `expected` (no temporary `.<name>.<hex>.partial` left) and no handle is open. */
  const settlesTo = async (dir: string, expected: string[]): Promise<void> => {
    await until(async () => t.fx.engine.storeHandles().length === 0 && JSON.stringify(await names(dir)) === JSON.stringify(expected), `${dir} to hold ${expected}`);
  };

  it('streams the body into the file (several fs_writes) and answers 200 { path, size } once it is in place, replacing the old content', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/big.bin`, OLD);
    await mount();
    const body = randomBytes(9 * 1024 * 1024);
    const writesBefore = storeOps().filter((op) => op === 'fs_write').length;
    const res = await fetch(`${t.base}/files/${dir}/big.bin`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: `${dir}/big.bin`, size: body.length });
    expect(sha256(await store().readFile(`${dir}/big.bin`))).toBe(sha256(body));
    expect(storeOps().filter((op) => op === 'fs_write').length - writesBefore).toBeGreaterThan(1);
    expect(await names(dir)).toEqual(['big.bin']);
    expect(t.fx.engine.storeHandles()).toEqual([]);
  });

  it('stores a chunked body (no Content-Length) whole, and an empty body as an empty file', async () => {
    const dir = fresh();
    await mount();
    const parts = [randomBytes(100_000), randomBytes(50_000)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(p);
        controller.close();
      },
    });
    const res = await fetch(`${t.base}/files/${dir}/chunked.bin`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: `${dir}/chunked.bin`, size: 150_000 });
    expect(sha256(await store().readFile(`${dir}/chunked.bin`))).toBe(sha256(Buffer.concat(parts)));
    const empty = await fetch(`${t.base}/files/${dir}/empty.txt`, { method: 'PUT', body: '' });
    expect([empty.status, await empty.json()]).toEqual([200, { path: `${dir}/empty.txt`, size: 0 }]);
    expect(await store().stat(`${dir}/empty.txt`)).toMatchObject({ exists: true, size: 0 });
  });

  it('overwrite: false answers 409 ERR_STORE_EXISTS for an existing file, after only an fs_stat; the old content stays; a new path is written', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/o.txt`, OLD);
    await mount({ overwrite: false });
    const before = storeOps().length;
    const res = await fetch(`${t.base}/files/${dir}/o.txt`, { method: 'PUT', body: 'new content' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'ERR_STORE_EXISTS', message: `Destination already exists: ${dir}/o.txt` } });
    expect(storeOps().slice(before)).toEqual(['fs_stat']);
    expect(await store().readFile(`${dir}/o.txt`, { encoding: 'utf8' })).toBe(OLD);
    const fresh2 = await fetch(`${t.base}/files/${dir}/p.txt`, { method: 'PUT', body: 'new content' });
    expect(fresh2.status).toBe(200);
    expect(await store().readFile(`${dir}/p.txt`, { encoding: 'utf8' })).toBe('new content');
  });

  it('answers 400 with the store path code for a request param the engine would refuse (traversal, invalid characters), and sends nothing', async () => {
    await mount();
    const before = storeOps().length;
    const traversal = await fetch(`${t.base}/files/up/..%2Fsecret.txt`, { method: 'PUT', body: 'x' });
    expect(traversal.status).toBe(400);
    expect(await traversal.json()).toEqual({ error: { code: 'ERR_STORE_PATH_TRAVERSAL', message: 'Path traversal not allowed: up/../secret.txt' } });
    const chars = await fetch(`${t.base}/files/up/a%3Ab.txt`, { method: 'PUT', body: 'x' });
    expect(chars.status).toBe(400);
    expect(await chars.json()).toEqual({ error: { code: 'ERR_STORE_PATH_CHARS', message: 'Path contains invalid characters: up/a:b.txt' } });
    expect(storeOps().length).toBe(before);
    expect(await store().exists('secret.txt')).toBe(false);
  });

  it('answers 500 ERR_BODY_CONSUMED to a body express.json() already parsed, and sends nothing to the store', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/j.json`, OLD);
    await mount({}, [express.json() as Middleware]);
    const before = storeOps().length;
    const res = await fetch(`${t.base}/files/${dir}/j.json`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'ERR_BODY_CONSUMED', message: expect.stringMatching(/^The request body was already parsed \(req\.body is set\) by another middleware .*nothing was sent to the engine/) },
    });
    expect(storeOps().length).toBe(before);
    expect(await store().readFile(`${dir}/j.json`, { encoding: 'utf8' })).toBe(OLD);
  });

  it('answers 400 ERR_CONTENT_LENGTH_MISMATCH to a body half-closed short of its Content-Length; the old content stays, the temporary file goes', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/f.bin`, OLD);
    await mount();
    const opsBefore = storeOps().length;
    const writesBefore = storeOps().filter((op) => op === 'fs_write').length;
    const raw = await RawRequest.open(t.base, `/files/${dir}/f.bin`, { 'content-type': 'application/octet-stream', 'content-length': 100_000 }, 'PUT');
    await raw.write(randomBytes(40_000));
    await until(() => storeOps().filter((op) => op === 'fs_write').length > writesBefore, 'bytes to reach the store');
    // The bytes go to a temporary file beside the path, not to the path.
    expect(t.fx.engine.storeHandles()).toEqual([expect.objectContaining({ mode: 'w', path: expect.stringMatching(new RegExp(`^${dir}/\\.f\\.bin\\.[0-9a-f]{12}\\.partial$`)) })]);
    raw.endBody();
    const res = await raw.response();
    expect(res?.status).toBe(400);
    expect(JSON.parse(res!.body)).toEqual({
      error: { code: 'ERR_CONTENT_LENGTH_MISMATCH', message: 'The request body has 40000 bytes but its Content-Length announced 100000; nothing was committed' },
    });
    await settlesTo(dir, ['f.bin']);
    expect(await store().readFile(`${dir}/f.bin`, { encoding: 'utf8' })).toBe(OLD);
    expect(storeOps().slice(opsBefore)).not.toContain('fs_rename');
  });

  it('answers 400 ERR_BODY_INCOMPLETE to a chunked body half-closed before its last chunk; no file appears at the path', async () => {
    const dir = fresh();
    await mount();
    const writesBefore = storeOps().filter((op) => op === 'fs_write').length;
    const raw = await RawRequest.open(t.base, `/files/${dir}/new.bin`, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }, 'PUT');
    const chunk = randomBytes(30_000);
    await raw.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    await until(() => storeOps().filter((op) => op === 'fs_write').length > writesBefore, 'the chunk to reach the store');
    raw.endBody();
    const res = await raw.response();
    expect(res?.status).toBe(400);
    expect(JSON.parse(res!.body)).toEqual({
      error: { code: 'ERR_BODY_INCOMPLETE', message: 'The request body ended after 30000 bytes, before its last chunk; nothing was committed' },
    });
    await settlesTo(dir, []);
    expect(await store().exists(`${dir}/new.bin`)).toBe(false);
  });

  it('answers nothing to a connection reset mid-body (ERR_CLIENT_DISCONNECTED); the old content stays, the temporary file goes', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/r.bin`, OLD);
    await mount();
    const writesBefore = storeOps().filter((op) => op === 'fs_write').length;
    const raw = await RawRequest.open(t.base, `/files/${dir}/r.bin`, { 'content-type': 'application/octet-stream', 'content-length': 100_000 }, 'PUT');
    await raw.write(randomBytes(20_000));
    await until(() => storeOps().filter((op) => op === 'fs_write').length > writesBefore, 'bytes to reach the store');
    raw.reset();
    expect(await raw.response()).toBeUndefined();
    await settlesTo(dir, ['r.bin']);
    expect(await store().readFile(`${dir}/r.bin`, { encoding: 'utf8' })).toBe(OLD);
  });

  it('limit: a larger Content-Length is 413 before anything is sent; a chunked body crossing it is 413 and leaves nothing', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/l.bin`, OLD);
    await mount({ limit: 1000 });
    const before = storeOps().length;
    const declared = await fetch(`${t.base}/files/${dir}/l.bin`, { method: 'PUT', body: randomBytes(1001) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: { code: 'ERR_PAYLOAD_TOO_LARGE', message: 'The request body is larger than the limit of 1000 bytes; nothing was committed' } });
    expect(storeOps().length).toBe(before);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(randomBytes(800));
        controller.enqueue(randomBytes(800));
        controller.close();
      },
    });
    const streamed = await fetch(`${t.base}/files/${dir}/l.bin`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    await settlesTo(dir, ['l.bin']);
    expect(await store().readFile(`${dir}/l.bin`, { encoding: 'utf8' })).toBe(OLD);
  });

  it('answers 409 ERR_STORE_LOCKED when another connection holds the file open; its content stays, the temporary file goes', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/locked.txt`, OLD);
    const other = await connect({ uri: t.fx.engine.uri, auth: 'k', env: {} });
    t.defer(() => other.disconnect());
    await other.fsOpen(`${dir}/locked.txt`);
    await mount();
    const res = await fetch(`${t.base}/files/${dir}/locked.txt`, { method: 'PUT', body: 'new content' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'ERR_STORE_LOCKED', message: `Cannot modify: handle open under ${dir}/locked.txt/` } });
    // The temporary file was deleted before the answer.
    expect(await names(dir)).toEqual(['locked.txt']);
    expect(await store().readFile(`${dir}/locked.txt`, { encoding: 'utf8' })).toBe(OLD);
  });

  it('answers 409 ERR_STORE_IS_DIRECTORY for a path that names a folder, which is left as it was', async () => {
    const dir = fresh();
    await store().writeFile(`${dir}/sub/keep.txt`, OLD);
    await mount();
    const before = storeOps().length;
    const res = await fetch(`${t.base}/files/${dir}/sub`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'ERR_STORE_IS_DIRECTORY', message: `Cannot write ${dir}/sub: it is a directory` } });
    expect(storeOps().slice(before)).toEqual(['fs_stat']);
    expect(await names(`${dir}/sub`)).toEqual(['keep.txt']);
  });

  it('answers 503 ERR_NOT_CONNECTED when the client is not connected, and sends nothing', async () => {
    const other = await connect({ uri: t.fx.engine.uri, auth: 'k', env: {} });
    await other.disconnect();
    await mount({}, [], other);
    const before = t.fx.engine.requests().length;
    const res = await fetch(`${t.base}/files/x/y.txt`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'ERR_NOT_CONNECTED', message: 'The RocketRide engine is not connected' } });
    expect(t.fx.engine.requests().length).toBe(before);
  });

  it('passes an error of the path function that is not a library error to next()', async () => {
    const app = express();
    app.put('/files', storeUploadHandler(t.fx.rocketride, { path: () => { throw new Error('session store down'); } }));
    app.use((err: Error, _req: unknown, res: { status(n: number): { json(b: unknown): void } }, _next: unknown) => {
      res.status(500).json({ handledBy: 'app', message: err.message });
    });
    await t.serve(app);
    const before = storeOps().length;
    const res = await fetch(`${t.base}/files`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ handledBy: 'app', message: 'session store down' });
    expect(storeOps().length).toBe(before);
  });
});

describe('storeUploadHandler on node:http, and receiveStoreUpload', () => {
  it('works without Express; receiveStoreUpload resolves to { path, size } and leaves the answer to the caller', async () => {
    const rocketride = await connect({ embedded: true, env: {} });
    const plain = createServer(storeUploadHandler(rocketride, { path: (req) => `plain${req.url}` }));
    const own = createServer((req, res) => {
      receiveStoreUpload(rocketride, req, { path: () => 'own/file.txt', overwrite: false }).then(
        (stored) => res.end(`stored ${stored.path} ${stored.size}`),
        (error: StoreError) => res.end(`failed ${error.code}`),
      );
    });
    try {
      const plainBase = await listen(plain);
      const ownBase = await listen(own);
      expect(await (await fetch(`${plainBase}/a.txt`, { method: 'PUT', body: 'abc' })).json()).toEqual({ path: 'plain/a.txt', size: 3 });
      expect(await rocketride.store.readFile('plain/a.txt', { encoding: 'utf8' })).toBe('abc');
      expect(await (await fetch(ownBase, { method: 'POST', body: 'hello' })).text()).toBe('stored own/file.txt 5');
      expect(await (await fetch(ownBase, { method: 'POST', body: 'again' })).text()).toBe('failed ERR_STORE_EXISTS');
      expect(await rocketride.store.readFile('own/file.txt', { encoding: 'utf8' })).toBe('hello');
    } finally {
      await closeServer(plain);
      await closeServer(own);
      await rocketride.disconnect();
    }
  });

  it('refuses bad options when the handler is made, with ERR_INVALID_ARGUMENT', () => {
    const client = {} as Pick<RocketRide, 'store' | 'isConnected'>;
    const cases: Array<[unknown, string]> = [
      [undefined, 'storeUploadHandler: options must be an object with `path`'],
      [{}, 'storeUploadHandler: `path` must be a function of the request'],
      [{ path: 'a.txt' }, 'storeUploadHandler: `path` must be a function of the request'],
      [{ path: () => 'a', overwrite: 'yes' }, 'storeUploadHandler: `overwrite` must be a boolean'],
      [{ path: () => 'a', limit: -1 }, 'storeUploadHandler: `limit` must be a number of bytes (0 or more)'],
      [{ path: () => 'a', limit: Number.NaN }, 'storeUploadHandler: `limit` must be a number of bytes (0 or more)'],
    ];
    for (const [options, message] of cases) {
      expect(() => storeUploadHandler(client, options as never)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message }));
    }
  });
});

describe('httpStatusOf for store errors', () => {
  it.each<[StoreErrorCode, number]>([
    ['ERR_STORE_NOT_FOUND', 404],
    ['ERR_STORE_PERMISSION', 403],
    ['ERR_STORE_EXISTS', 409],
    ['ERR_STORE_LOCKED', 409],
    ['ERR_STORE_IS_DIRECTORY', 409],
    ['ERR_STORE_NOT_DIRECTORY', 409],
    ['ERR_STORE_NOT_EMPTY', 409],
    ['ERR_STORE_PATH', 400],
    ['ERR_STORE_HANDLES', 503],
    ['ERR_STORE_CHANGED', 503],
    ['ERR_STORE_FAILED', 502],
  ])('%s → %i', (code, status) => {
    expect(httpStatusOf(new StoreError('x', { code }))).toBe(status);
  });
});
