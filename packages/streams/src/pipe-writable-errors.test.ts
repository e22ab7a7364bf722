import { getEventListeners, once } from 'node:events';
import { AbortError, ValidationError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PipeProgress } from './options.js';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

/** PipeWritable's own errors pinned by code AND message, its events, and the abort listener it removes. */

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('PipeWritable errors name what went wrong', () => {
  it.each([
    [42, 'A bytes pipe takes Buffer, Uint8Array or string chunks, got number'],
    [{}, 'A bytes pipe takes Buffer, Uint8Array or string chunks, got Object'],
  ])('write(%j) is ERR_INVALID_CHUNK, given to the callback too, and nothing of it is sent', async (chunk, message) => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'bytes' });
    sink.on('error', () => {});
    const fromCallback = new Promise<Error>((resolve) => sink.write(chunk as never, (e) => resolve(e as Error)));
    const error = await fromCallback;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', message });
    await expect(sink.result).rejects.toBe(error);
    expect(fx.dataOps()).not.toContain('write');
  });

  it('a text pipe names its mode; end() with a bad chunk gives the callback the error', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'text' });
    sink.on('error', () => {});
    const error = await new Promise<Error>((resolve) => sink.end(7 as never, 'utf8', (e?: Error) => resolve(e!)));
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', message: 'A text pipe takes Buffer, Uint8Array or string chunks, got number' });
  });

  it('an already aborted signal: ERR_ABORTED "aborted before it opened" with the reason, and no open sent', async () => {
    fx = await startFixture();
    const reason = new Error('no');
    const sink = createPipe(fx.client, fx.token, { signal: AbortSignal.abort(reason) });
    const [error] = (await once(sink, 'error')) as [AbortError];
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'The pipe was aborted before it opened', cause: reason });
    expect(fx.dataOps()).toEqual([]);
  });

  it('an abort while open destroys it with "not committed" and the reason; nothing is closed', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const sink = createPipe(fx.client, fx.token, { signal: ac.signal });
    await until(() => sink.pipeId !== undefined);
    const reason = new Error('stop');
    const errored = once(sink, 'error');
    ac.abort(reason);
    const [error] = (await errored) as [AbortError];
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'The pipe was aborted; the object was not committed', cause: reason });
    await expect(sink.result).rejects.toBe(error);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(fx.dataOps()).not.toContain('close');
  });

  it('destroy() without an error rejects result with ERR_PIPE_ABANDONED', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    await until(() => sink.pipeId !== undefined);
    sink.destroy();
    await expect(sink.result).rejects.toMatchObject({
      code: 'ERR_PIPE_ABANDONED',
      message: 'The pipe was destroyed before it finished; the object was not committed',
    });
  });
});

describe('PipeWritable on success', () => {
  it("emits 'progress' and calls onProgress alike, emits 'result' before 'finish', and removes its abort listener", async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const fromOption: PipeProgress[] = [];
    const fromEvent: PipeProgress[] = [];
    const sink = createPipe(fx.client, fx.token, { name: 'ok.bin', signal: ac.signal, onProgress: (p) => fromOption.push(p) });
    sink.on('progress', (p: PipeProgress) => fromEvent.push(p));
    const order: string[] = [];
    sink.on('result', () => order.push('result'));
    sink.on('finish', () => order.push('finish'));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    sink.end(Buffer.from('abc'));
    const result = await sink.result;
    expect(result).toMatchObject({ name: 'ok.bin' });
    await until(() => order.length === 2);
    expect(order).toEqual(['result', 'finish']);
    expect(fromEvent).toEqual(fromOption);
    expect(fromEvent.at(-1)).toMatchObject({ bytesSent: 3, bytesAcknowledged: 3, writes: 1 });
    expect(sink.progress).toMatchObject({ bytesAcknowledged: 3 });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('documents mode takes objects as chunks, one write each', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'documents' });
    sink.write({ a: 1 });
    sink.end({ b: 2 });
    await sink.result;
    const writes = fx.engine.requests().filter((r) => r.arguments.subcommand === 'write').map((r) => r.dataBytes);
    expect(writes).toEqual([7, 7]);
  });
});
