import { getEventListeners, once } from 'node:events';
import { AbortError, ValidationError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

/**
 * Every calling form of PipeWritable's write()/end()/destroy() Node allows, for good and bad chunks:
 * the callback gets the coded error whatever argument it is given as, and nothing of a bad chunk is
 * sent.
 */

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const BAD_CHUNK = 'A bytes pipe takes Buffer, Uint8Array or string chunks, got number';
/** Resolves on 'close' (events.once would reject on the 'error' emitted first). */
const closed = (s: NodeJS.EventEmitter) => new Promise<void>((resolve) => s.once('close', () => resolve()));
const writes = (f: Fixture) => f.engine.requests().filter((r) => r.arguments.subcommand === 'write');

describe('write() and end() with a bad chunk: the callback gets the error in every calling form', () => {
  it('write(chunk, encoding, callback)', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'bytes' });
    sink.on('error', () => {});
    const error = await new Promise<Error>((resolve) => sink.write(5 as never, 'utf8', (e) => resolve(e as Error)));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', message: BAD_CHUNK });
    expect(sink.destroyed).toBe(true);
    expect(writes(fx)).toHaveLength(0);
  });

  it('write(chunk) without a callback still destroys the stream with the error and returns false', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'bytes' });
    const errored = once(sink, 'error');
    expect(sink.write(5 as never)).toBe(false);
    const [error] = (await errored) as [Error];
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', message: BAD_CHUNK });
    await expect(sink.result).rejects.toBe(error);
  });

  it('end(chunk, callback)', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'bytes' });
    sink.on('error', () => {});
    const error = await new Promise<Error>((resolve) => sink.end(5 as never, (e?: Error) => resolve(e!)));
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', message: BAD_CHUNK });
    expect(fx.dataOps()).not.toContain('close');
  });

  it('end(chunk) after end(): ERR_WRITE_AFTER_END, and the late chunk is never sent', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { name: 'twice.bin' });
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.end(Buffer.from('one'));
    sink.end(Buffer.from('two'));
    await closed(sink);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_WRITE_AFTER_END', message: 'write() after end(): the pipe is closing or closed' });
    expect(fx.engine.pipes().some((p) => p.received.includes(Buffer.from('two')))).toBe(false);
  });
});

describe('write() and end() with good input', () => {
  it('end(callback) and end(null) are plain ends: the pipe commits what was written', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { name: 'cb.bin' });
    sink.write(Buffer.from('abc'));
    await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await expect(sink.result).resolves.toMatchObject({ name: 'cb.bin' });
    expect(fx.engine.pipes().at(-1)!.received.toString()).toBe('abc');

    const other = createPipe(fx.client, fx.token, { name: 'null.bin' });
    other.write(Buffer.from('xyz'));
    other.end(null);
    await expect(other.result).resolves.toMatchObject({ name: 'null.bin' });
    expect(fx.engine.pipes().at(-1)!.received.toString()).toBe('xyz');
  });

  it('a bytes pipe takes strings and Uint8Arrays as well as Buffers', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { name: 'mixed.bin', mode: 'bytes' });
    sink.write('ab');
    sink.write(new Uint8Array([0x63]));
    sink.end('d');
    await sink.result;
    expect(fx.engine.pipes().at(-1)!.received.toString()).toBe('abcd');
  });
});

describe('destroy()', () => {
  it('a second destroy() changes nothing: result and the error emitted are the first reason', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => sink.write(Buffer.from('x'), (e) => (e ? reject(e) : resolve())));
    const first = new Error('first');
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.destroy(first);
    sink.destroy(new Error('second'));
    await closed(sink);
    expect(errors).toEqual([first]);
    await expect(sink.result).rejects.toBe(first);
    expect(fx.dataOps()).not.toContain('close');
  });

  it('destroy(error) while a write awaits its ack: that write fails with the same error, and nothing is closed', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    sink.on('error', () => {});
    fx.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const written = new Promise<Error | null | undefined>((resolve) => sink.write(Buffer.from('x'), (e) => resolve(e)));
    while (writes(fx).length === 0) await new Promise((r) => setTimeout(r, 5));
    const cause = new Error('caller gave up');
    sink.destroy(cause);
    expect(await written).toBe(cause);
    await expect(sink.result).rejects.toBe(cause);
    expect(fx.dataOps()).not.toContain('close');
  });

  it('destroy(error) mid-stream lets go of the signal (no abort listener left)', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const sink = createPipe(fx.client, fx.token, { signal: ac.signal });
    sink.on('error', () => {});
    await new Promise<void>((resolve, reject) => sink.write(Buffer.from('x'), (e) => (e ? reject(e) : resolve())));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    sink.destroy(new Error('caller gave up'));
    await closed(sink);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('an abort after the pipe finished does nothing (no error, the result stands)', async () => {
    fx = await startFixture();
    const ac = new AbortController();
    const sink = createPipe(fx.client, fx.token, { name: 'done.bin', signal: ac.signal });
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.end(Buffer.from('x'));
    await once(sink, 'finish');
    ac.abort(new AbortError('late'));
    await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([]);
    await expect(sink.result).resolves.toMatchObject({ name: 'done.bin' });
  });
});
