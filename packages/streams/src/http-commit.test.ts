import { Readable } from 'node:stream';
import { AbortError, PipeError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { httpUpload } from './http-upload.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const target = (f: Fixture) => ({ httpUrl: f.engine.httpUrl, auth: 'test-key' });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('httpUpload(): once the whole body was sent, the answer decides', () => {
  it('an abort after the whole body reached the engine waits for the answer and resolves with the committed result', async () => {
    // The engine holds its acknowledgement of the (only) write, so the answer comes well after the body.
    fx = await startFixture({ ackDelayMs: 200 });
    const ac = new AbortController();
    const body = 'the whole body';
    const done = httpUpload(target(fx), fx.token, body, { name: 'h-late.txt', signal: ac.signal });
    await until(() => fx!.engine.pipes().at(-1)?.bytes === Buffer.byteLength(body));
    ac.abort();
    await expect(done).resolves.toMatchObject({ name: 'h-late.txt' });
    expect(fx.engine.pipes().at(-1)?.state).toBe('closed');
  });

  it('no answer after the whole body was sent (headersTimeout) is ERR_COMMIT_UNKNOWN, not a plain timeout', async () => {
    fx = await startFixture({ ackDelayMs: 4_000 }); // far past headersTimeout, which undici checks on a coarse (about 1 s) clock
    const err = await httpUpload(target(fx), fx.token, 'body', { name: 'h-silent.txt', headersTimeout: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipeError);
    expect(err).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      message:
        'The whole body of the HTTP upload was sent but no usable answer came (UND_ERR_HEADERS_TIMEOUT); the object may or may not have been committed',
    });
    expect((err as Error).message).not.toContain(fx.token);
  });

  it('an abort while the body is still being sent cuts it: AbortError, and nothing is committed', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    async function* slow() {
      yield Buffer.from('first part, ');
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.from('second part');
    }
    const err = await httpUpload(target(fx), fx.token, Readable.from(slow()), { name: 'h-cut.txt', signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ code: 'ERR_ABORTED', message: 'The HTTP upload was aborted; the object was not committed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(fx.engine.pipes().every((p) => p.state !== 'closed')).toBe(true);
  });
});
