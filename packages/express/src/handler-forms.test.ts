import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, type EngineFixture, listen, startEngineFixture } from './test-support/fixture.js';
import { uploadHandler } from './upload-handler.js';

// uploadHandler takes the token as its second argument too, as sseHandler(rocketride, token, options?) does.
describe('uploadHandler(rocketride, token, options?): the token-first form', () => {
  let fx: EngineFixture;
  let server: Server | undefined;
  let base: string;
  beforeAll(async () => {
    fx = await startEngineFixture();
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(async () => {
    await closeServer(server);
    server = undefined;
  });

  async function mount(handler: ReturnType<typeof uploadHandler>): Promise<void> {
    const app = express();
    app.post('/upload', handler);
    server = createServer(app);
    base = await listen(server);
  }

  it('a token string: the body streams into a pipe on that task and the answer is the result', async () => {
    await mount(uploadHandler(fx.rocketride, fx.token));
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-file-name': 'a.txt' }, body: 'token first' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'a.txt', text: ['token first\n\n'] });
  });

  it('a function of the request, with options after it: the options apply (limit → 413, nothing committed)', async () => {
    await mount(uploadHandler(fx.rocketride, () => fx.token, { limit: 4 }));
    const closes = fx.dataOps().filter((op) => op === 'close').length;
    const res = await fetch(`${base}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'more than four bytes' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    expect(fx.dataOps().filter((op) => op === 'close').length).toBe(closes);
  });

  it('refuses a token given twice, options after an options object, and an empty token, with ERR_INVALID_ARGUMENT', () => {
    const ops = fx.dataOps().length;
    expect(() => uploadHandler(fx.rocketride, fx.token, { token: 'other' } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: 'uploadHandler: the token is the second argument here; give no `token` or `resolveToken` in the options',
      }),
    );
    expect(() => uploadHandler(fx.rocketride, { token: fx.token } as never, { limit: 1 } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: 'uploadHandler takes (rocketride, token, options?) or (rocketride, options): options after an options object',
      }),
    );
    expect(() => uploadHandler(fx.rocketride, '')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'uploadHandler: `token` must be a non-empty string' }));
    expect(fx.dataOps().length).toBe(ops);
  });
});
