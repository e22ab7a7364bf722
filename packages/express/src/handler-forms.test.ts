import express from 'express';
import { describe, expect, it } from 'vitest';
import { useApp } from './test-support/app.js';
import { uploadHandler } from './upload-handler.js';

// uploadHandler takes the token as its second argument too, as sseHandler(rocketride, token, options?) does.
describe('uploadHandler(rocketride, token, options?): the token-first form', () => {
  const t = useApp(express);
  const mount = (handler: ReturnType<typeof uploadHandler>) => t.mount('post', '/upload', handler);

  it('a token string: the body streams into a pipe on that task and the answer is the result', async () => {
    await mount(uploadHandler(t.fx.rocketride, t.fx.token));
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-file-name': 'a.txt' }, body: 'token first' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'a.txt', text: ['token first\n\n'] });
  });

  it('a function of the request, with options after it: the options apply (limit → 413, nothing committed)', async () => {
    await mount(uploadHandler(t.fx.rocketride, () => t.fx.token, { limit: 4 }));
    const closes = t.fx.closes();
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'more than four bytes' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    expect(t.fx.closes()).toBe(closes);
  });

  it('refuses a token given twice, options after an options object, and an empty token, with ERR_INVALID_ARGUMENT', () => {
    const ops = t.fx.dataOps().length;
    expect(() => uploadHandler(t.fx.rocketride, t.fx.token, { token: 'other' } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: 'uploadHandler: the token is the second argument here; give no `token` or `resolveToken` in the options',
      }),
    );
    expect(() => uploadHandler(t.fx.rocketride, { token: t.fx.token } as never, { limit: 1 } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: 'uploadHandler takes (rocketride, token, options?) or (rocketride, options): options after an options object',
      }),
    );
    expect(() => uploadHandler(t.fx.rocketride, '')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: 'uploadHandler: `token` must be a non-empty string' }));
    expect(t.fx.dataOps().length).toBe(ops);
  });
});
