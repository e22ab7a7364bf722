import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PipeError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';
import { upload } from './upload.js';
import { createWritable } from './web-writable.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const closes = (f: Fixture) => f.engine.requests().filter((r) => r.arguments.subcommand === 'close').length;
const recordOf = (f: Fixture, name: string) => f.engine.pipes().find((p) => p.object.name === name);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

const COMMIT_UNKNOWN = /^The close of pipe \d+ was sent but .+; the object may or may not have been committed$/;

describe('pipe(): once close was sent, an abort, a destroy or a late write cannot undo it', () => {
  it('an aborted signal while close is in flight: the pipeline finishes with the committed result', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:close', 150);
    const ac = new AbortController();
    const sink = createPipe(fx.client, fx.token, { name: 'abort-late.bin', signal: ac.signal });
    const run = pipeline(Readable.from([Buffer.from('all of it')]), sink);
    await until(() => closes(fx!) === 1);
    ac.abort();
    await run;
    expect((await sink.result).name).toBe('abort-late.bin');
    expect(recordOf(fx, 'abort-late.bin')?.state).toBe('closed');
  });

  it('a write after end() while close is in flight fails the stream, but result reports the commit', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:close', 150);
    const sink = createPipe(fx.client, fx.token, { name: 'late-write.bin' });
    sink.end(Buffer.from('done'));
    await until(() => closes(fx!) === 1);
    const errored = once(sink, 'error');
    sink.write(Buffer.from('late'));
    const [err] = (await errored) as [Error];
    expect(err).toMatchObject({ code: 'ERR_WRITE_AFTER_END', message: 'write() after end(): the pipe is closing or closed' });
    await expect(sink.result).resolves.toMatchObject({ name: 'late-write.bin' });
    expect(recordOf(fx, 'late-write.bin')?.state).toBe('closed');
    expect(recordOf(fx, 'late-write.bin')?.received.toString()).toBe('done');
  });

  it('destroy() without an error while close is in flight emits no error, and result reports the commit', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:close', 100);
    const sink = createPipe(fx.client, fx.token, { name: 'destroy-late.bin' });
    const errors: Error[] = [];
    sink.on('error', (e) => errors.push(e));
    sink.end(Buffer.from('x'));
    await until(() => closes(fx!) === 1);
    sink.destroy();
    await expect(sink.result).resolves.toMatchObject({ name: 'destroy-late.bin' });
    expect(errors).toEqual([]);
  });

  it('a socket lost while close is in flight fails with ERR_COMMIT_UNKNOWN, not "not committed"', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:close');
    const sink = createPipe(fx.client, fx.token, { name: 'lost.bin' });
    const run = pipeline(Readable.from([Buffer.from('bytes')]), sink).catch((e: unknown) => e as PipeError);
    await until(() => closes(fx!) === 1);
    fx.engine.faults.closeAfterFrames(1);
    void fx.client.ping().catch(() => {});
    const err = await run;
    expect(err).toBeInstanceOf(PipeError);
    expect(err).toMatchObject({ code: 'ERR_COMMIT_UNKNOWN' });
    expect(err?.message).toMatch(COMMIT_UNKNOWN);
    expect(err?.message).toMatch(/connection was lost/);
    await expect(sink.result).rejects.toBe(err);
    expect(recordOf(fx, 'lost.bin')?.state).toBe('closed');
  });

  it('a close answer that never comes fails after closeTimeoutMs with ERR_COMMIT_UNKNOWN', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:close');
    const sink = createPipe(fx.client, fx.token, { name: 'silent.bin', closeTimeoutMs: 100 });
    const err = await pipeline(Readable.from([Buffer.from('x')]), sink).catch((e: unknown) => e as PipeError);
    expect(err).toMatchObject({ code: 'ERR_COMMIT_UNKNOWN' });
    expect(err?.message).toMatch(/^The close of pipe \d+ was sent but no answer came within 100 ms; the object may or may not have been committed$/);
  });

  it('an abort while the close answer is withheld ends the wait as an abort (ERR_COMMIT_UNKNOWN naming it)', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:close');
    const ac = new AbortController();
    const sink = createPipe(fx.client, fx.token, { name: 'abort-withheld.bin', signal: ac.signal, closeTimeoutMs: 300 });
    const run = pipeline(Readable.from([Buffer.from('x')]), sink).catch((e: unknown) => e as PipeError);
    await until(() => closes(fx!) === 1);
    ac.abort();
    const err = await run;
    expect(err).toMatchObject({ code: 'ERR_COMMIT_UNKNOWN' });
    expect(err?.message).toMatch(/was sent but the operation was aborted meanwhile and no answer came in time; the object may or may not/);
  });
});

describe('writable() and upload(): the same rule', () => {
  it('writable(): an abort while close is in flight lets close() resolve with the committed result', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:close', 150);
    const ac = new AbortController();
    const stream = createWritable(fx.client, fx.token, { name: 'web-late.bin', signal: ac.signal });
    const writer = stream.getWriter();
    await writer.write(new Uint8Array([1, 2, 3]));
    const closing = writer.close();
    await until(() => closes(fx!) === 1);
    ac.abort();
    await closing;
    await expect(stream.result).resolves.toMatchObject({ name: 'web-late.bin' });
    expect(recordOf(fx, 'web-late.bin')?.state).toBe('closed');
  });

  it('writable(): a socket lost while close is in flight is ERR_COMMIT_UNKNOWN', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:close');
    const stream = createWritable(fx.client, fx.token, { name: 'web-lost.bin' });
    const writer = stream.getWriter();
    await writer.write(new Uint8Array([1]));
    const closing = writer.close().catch((e: unknown) => e as PipeError);
    await until(() => closes(fx!) === 1);
    fx.engine.faults.closeAfterFrames(1);
    void fx.client.ping().catch(() => {});
    const err = await closing;
    expect(err).toMatchObject({ code: 'ERR_COMMIT_UNKNOWN' });
    expect(err?.message).toMatch(COMMIT_UNKNOWN);
    await expect(stream.result).rejects.toBe(err);
  });

  it('upload(): an abort while close is in flight resolves with the committed result', async () => {
    fx = await startFixture();
    fx.engine.faults.delayResponse('rrext_process:close', 150);
    const ac = new AbortController();
    const done = upload(fx.client, fx.token, 'the whole text', { name: 'up-late.txt', signal: ac.signal });
    await until(() => closes(fx!) === 1);
    ac.abort();
    await expect(done).resolves.toMatchObject({ name: 'up-late.txt' });
    expect(recordOf(fx, 'up-late.txt')?.state).toBe('closed');
  });
});
