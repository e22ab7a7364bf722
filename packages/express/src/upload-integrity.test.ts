import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXPRESS_MAJORS, type Middleware, useApp } from './test-support/app.js';
import { sha256, until } from './test-support/fixture.js';
import { RawRequest } from './test-support/raw-http.js';
import { spying } from './test-support/spying.js';
import { type UploadClient, type UploadHandlerOptions, uploadHandler } from './upload-handler.js';

describe.each(EXPRESS_MAJORS)('uploadHandler on %s: only the whole body is committed', (_label, express) => {
  const t = useApp(express, { timing: { reapIdleMs: 800, reapScanMs: 50 } });
  const mount = (client: UploadClient, options: UploadHandlerOptions, before: Middleware[] = []) => t.mount('post', '/upload', uploadHandler(client, options), before);

  it('refuses a body express.json() already parsed with 500 ERR_BODY_CONSUMED, and opens nothing on the engine', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token }, [express.json() as Middleware]);
    const opensBefore = t.fx.opens();
    const pipesBefore = t.fx.engine.pipes().length;
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ERR_BODY_CONSUMED');
    expect(body.error.message).toMatch(/^The request body was already parsed \(req\.body is set\) by another middleware \(express\.json\(\)\?/);
    expect(body.error.message).toContain('nothing was sent to the engine');
    expect(t.fx.opens()).toBe(opensBefore);
    expect(t.fx.engine.pipes().length).toBe(pipesBefore);
  });

  it('refuses a body a middleware read in part (one data event) with 500 ERR_BODY_CONSUMED, and opens nothing', async () => {
    const peek: Middleware = (req: NodeJS.ReadableStream, _res, next) => {
      req.once('data', () => {
        req.pause();
        next();
      });
    };
    await mount(t.fx.rocketride, { token: t.fx.token }, [peek]);
    const opensBefore = t.fx.opens();
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(200_000) });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: {
        code: 'ERR_BODY_CONSUMED',
        message: expect.stringMatching(/^The request body was already read, in whole or in part, by another middleware/),
      },
    });
    expect(t.fx.opens()).toBe(opensBefore);
  });

  it('streams a body that express.json() skipped (another type) in full: req.body = {} alone is not a read body', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token }, [express.json() as Middleware]);
    const body = randomBytes(150_000);
    const res = await fetch(`${t.base}/upload?name=raw.bin`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    const rec = t.fx.engine.pipes().at(-1)!;
    expect(rec.state).toBe('closed');
    expect(sha256(rec.received)).toBe(sha256(body));
  });

  it('answers 400 ERR_CONTENT_LENGTH_MISMATCH to a client that half-closes short of its Content-Length; the pipe is destroyed, never closed', async () => {
    const client = spying(t.fx.rocketride);
    await mount(client, { token: t.fx.token });
    const closesBefore = t.fx.closes();
    const pipesBefore = t.fx.engine.pipes().length;
    const raw = await RawRequest.open(t.base, '/upload?name=short.bin', { 'content-type': 'application/octet-stream', 'content-length': 100_000 });
    await raw.write(randomBytes(40_000));
    await until(() => t.fx.engine.pipes().length > pipesBefore && t.fx.engine.pipes().at(-1)!.bytes === 40_000, 'the 40000 bytes to reach the engine');
    raw.endBody();
    const res = await raw.response();
    expect(res?.status).toBe(400);
    expect(res?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res!.body)).toEqual({
      error: {
        code: 'ERR_CONTENT_LENGTH_MISMATCH',
        message: 'The request body has 40000 bytes but its Content-Length announced 100000; nothing was committed',
      },
    });
    const [sink] = client.sinks;
    await expect(sink!.result).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: { code: 'ERR_CONTENT_LENGTH_MISMATCH' } });
    expect(t.fx.closes()).toBe(closesBefore);
    const rec = t.fx.engine.pipes().at(-1)!;
    expect(rec.object.name).toBe('short.bin');
    await until(() => rec.state === 'abandoned', 'the engine to reap the abandoned pipe');
  });

  it('answers 400 ERR_BODY_INCOMPLETE to a chunked body half-closed before its last chunk; nothing committed', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    const closesBefore = t.fx.closes();
    const pipesBefore = t.fx.engine.pipes().length;
    const raw = await RawRequest.open(t.base, '/upload', { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
    const chunk = randomBytes(30_000);
    await raw.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    await until(() => t.fx.engine.pipes().length > pipesBefore && t.fx.engine.pipes().at(-1)!.bytes === 30_000, 'the chunk to reach the engine');
    raw.endBody();
    const res = await raw.response();
    expect(res?.status).toBe(400);
    expect(JSON.parse(res!.body)).toEqual({
      error: { code: 'ERR_BODY_INCOMPLETE', message: 'The request body ended after 30000 bytes, before its last chunk; nothing was committed' },
    });
    expect(t.fx.closes()).toBe(closesBefore);
    expect(t.fx.engine.pipes().at(-1)!.state).not.toBe('closed');
  });

  it('answers nothing to a connection reset mid-body (ERR_CLIENT_DISCONNECTED); the pipe is destroyed, never closed', async () => {
    const client = spying(t.fx.rocketride);
    await mount(client, { token: t.fx.token });
    const closesBefore = t.fx.closes();
    const pipesBefore = t.fx.engine.pipes().length;
    const raw = await RawRequest.open(t.base, '/upload', { 'content-type': 'application/octet-stream', 'content-length': 100_000 });
    await raw.write(randomBytes(20_000));
    await until(() => t.fx.engine.pipes().length > pipesBefore && t.fx.engine.pipes().at(-1)!.bytes === 20_000, 'the bytes to reach the engine');
    raw.reset();
    expect(await raw.response()).toBeUndefined();
    const [sink] = client.sinks;
    await expect(sink!.result).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: { code: 'ERR_CLIENT_DISCONNECTED' } });
    expect(t.fx.closes()).toBe(closesBefore);
    const rec = t.fx.engine.pipes().at(-1)!;
    await until(() => rec.state === 'abandoned', 'the engine to reap the abandoned pipe');
  });
});
