import { ConnectionError, ValidationError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type PipeOptions, type PipeProgress, resolvePipeOptions } from './options.js';
import { describe as describeValue, PipeSession } from './session.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

/**
 * PipeSession driven directly against the simulator: its state checks, progress, document encoding
 * and abandon rules, each pinned by code AND message, and what the engine received.
 */

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function session(options: PipeOptions = {}, onProgress?: (p: PipeProgress) => void) {
  fx = await startFixture();
  return new PipeSession(fx.client, fx.token, resolvePipeOptions({ idleFlushMs: 0, ...options }), onProgress);
}

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error & { code?: string },
  );

const writes = (f: Fixture) => f.engine.requests().filter((r) => r.arguments.subcommand === 'write');

describe('PipeSession state', () => {
  it('has no pipe id before open, and reports progress for each acknowledged write', async () => {
    const seen: PipeProgress[] = [];
    const s = await session({ name: 'p.bin', size: 5, maxWriteBytes: 3 }, (p) => seen.push(p));
    expect(s.pipeId).toBeUndefined();
    expect(s.progress).toEqual({ bytesSent: 0, bytesAcknowledged: 0, writes: 0, total: 5 });
    await s.open();
    expect(s.pipeId).toBe(fx!.engine.pipes()[0]!.pipeId);
    await s.writeBytes([Buffer.from('abcde')]);
    expect(s.progress).toEqual({ bytesSent: 5, bytesAcknowledged: 5, writes: 2, total: 5 });
    expect(seen).toEqual([
      { bytesSent: 0, bytesAcknowledged: 0, writes: 0, total: 5 },
      { bytesSent: 3, bytesAcknowledged: 3, writes: 1, total: 5 },
      { bytesSent: 5, bytesAcknowledged: 5, writes: 2, total: 5 },
    ]);
    expect(s.closing).toBe(false);
    fx!.engine.faults.delayResponse('rrext_process:close', 200);
    const closing = s.finish();
    for (let i = 0; i < 200 && !fx!.dataOps().includes('close'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(s.closing).toBe(true);
    await expect(closing).resolves.toMatchObject({ name: 'p.bin' });
    expect(s.closing).toBe(false);
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([3, 2]);
  });

  it('a second open, or a write before open, is refused naming the state', async () => {
    const s = await session();
    await expect(s.writeBytes([Buffer.from('x')])).rejects.toThrow('pipe is not open (state new)');
    await expect(s.finish()).rejects.toThrow('pipe is not open (state new)');
    await s.open();
    await expect(s.open()).rejects.toThrow('open() called in state open');
    await s.finish();
    await expect(s.writeBytes([Buffer.from('x')])).rejects.toThrow('pipe is not open (state closed)');
  });

  it('open on a disconnected client is ERR_NOT_CONNECTED and sends nothing', async () => {
    const s = await session();
    await fx!.client.disconnect();
    const error = await caught(s.open());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      code: 'ERR_NOT_CONNECTED',
      message: 'The client is not connected; call connect() before opening a pipe',
    });
    expect(fx!.engine.pipes()).toHaveLength(0);
  });

  it('sends the provider with the open only when given', async () => {
    const s = await session({ name: 'a.txt' });
    await s.open();
    const open = fx!.engine.requests().find((r) => r.arguments.subcommand === 'open')!;
    expect(Object.hasOwn(open.arguments, 'provider')).toBe(false);
  });

  it('a lost connection abandons the open pipe with ERR_CONNECTION_LOST and tells the owner once', async () => {
    const s = await session();
    const reasons: Error[] = [];
    s.onAbandon = (reason) => reasons.push(reason);
    await s.open();
    fx!.engine.faults.closeAfterFrames(0);
    await fx!.client.ping().catch(() => undefined);
    for (let i = 0; i < 200 && reasons.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(ConnectionError);
    expect(reasons[0]).toMatchObject({
      code: 'ERR_CONNECTION_LOST',
      message: 'The connection to the engine was lost while the pipe was open; the object was not committed',
    });
    await expect(s.writeBytes([Buffer.from('x')])).rejects.toBe(reasons[0]);
  });

  it('abandon(reason, false) fails the session without telling the owner, and never sends close', async () => {
    const s = await session();
    let told = 0;
    s.onAbandon = () => told++;
    await s.open();
    const reason = new Error('owner gave up');
    s.abandon(reason, false);
    s.abandon(new Error('again'));
    expect(told).toBe(0);
    await expect(s.finish()).rejects.toBe(reason);
    expect(fx!.dataOps()).toEqual(['open']);
  });

  it('a failed write fails every later call with the same error, and the pipe is not closed', async () => {
    const s = await session({ writeTimeoutMs: 50 });
    await s.open();
    fx!.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const error = await caught(s.writeBytes([Buffer.from('x')]));
    expect(error).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
    await expect(s.writeBytes([Buffer.from('y')])).rejects.toBe(error);
    await expect(s.finish()).rejects.toBe(error);
    await expect(s.open()).rejects.toBe(error);
    expect(fx!.dataOps()).not.toContain('close');
  });
});

describe('documents mode', () => {
  it('sends each document as its JSON text in a write of its own', async () => {
    const s = await session({ mode: 'documents' });
    await s.open();
    await s.writeDocuments([{ a: 1 }, { b: 'é' }]);
    const second = Buffer.byteLength('{"b":"é"}');
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([7, second]);
    expect(s.progress).toMatchObject({ writes: 2, bytesAcknowledged: 7 + second });
  });

  it.each([
    [null, 'Documents mode takes objects or arrays (one JSON document per write), got null'],
    [5, 'Documents mode takes objects or arrays (one JSON document per write), got number'],
    ['{}', 'Documents mode takes objects or arrays (one JSON document per write), got string'],
    [Buffer.from('{}'), 'Documents mode takes objects or arrays (one JSON document per write), got Buffer'],
    [{ big: 1n }, 'Document is not serialisable to JSON: Do not know how to serialize a BigInt'],
    [{ toJSON: (): undefined => undefined }, 'Document serialises to nothing'],
  ])('refuses %s with ERR_INVALID_DOCUMENT and sends nothing', async (doc, message) => {
    const s = await session({ mode: 'documents' });
    await s.open();
    const error = await caught(s.writeDocuments([doc]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_DOCUMENT', message });
    expect(writes(fx!)).toHaveLength(0);
  });

  it('describe names a value by its constructor, or its type', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(new Uint16Array(1))).toBe('Uint16Array');
    expect(describeValue(new Map())).toBe('Map');
    expect(describeValue(Object.create(null))).toBe('object');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(true)).toBe('boolean');
  });
});

describe('bytes and text writes', () => {
  it('bytes mode cuts the input into writes of at most maxWriteBytes, in order', async () => {
    const s = await session({ mode: 'bytes', maxWriteBytes: 4 });
    await s.open();
    await s.writeBytes([Buffer.from('abcdefghij'), Buffer.from('k')]);
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([4, 4, 3]);
    await s.finish();
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('abcdefghijk');
  });

  it('text mode sends a segment as soon as maxWriteBytes are held, cut after the last newline in its second half', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 10 });
    await s.open();
    await s.writeBytes([Buffer.from('abcdef\nghijkl')]);
    // 13 bytes held ≥ 10: the segment ends after the newline at offset 6 (inside [5, 10)).
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([7]);
    await s.writeBytes([Buffer.from('xy')]);
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([7]);
    await s.finish();
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([7, 8]);
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('abcdef\nghijklxy');
  });

  it('text mode ignores a newline in the first half of a segment and cuts at a character boundary', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 10 });
    await s.open();
    await s.writeBytes([Buffer.from('a\nbcdefgh€z')]); // € is 3 bytes at offsets 9..11
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([9]);
    await s.finish();
    expect(fx!.engine.pipes()[0]!.received.toString()).toBe('a\nbcdefgh€z');
  });

  it('a text character longer than maxWriteBytes goes whole in one segment', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 2 });
    await s.open();
    await s.writeBytes([Buffer.from('€€')]);
    expect(writes(fx!).map((r) => r.dataBytes)).toEqual([3, 3]);
    await s.finish();
  });

  it('invalid UTF-8 in text mode is ERR_INVALID_UTF8 with the byte position, and nothing of it is sent', async () => {
    const s = await session({ mode: 'text', maxWriteBytes: 4 });
    await s.open();
    const error = await caught(s.writeBytes([Buffer.from([0x61, 0x62, 0xff, 0x63, 0x64])]));
    expect(error).toMatchObject({ code: 'ERR_INVALID_UTF8', message: 'Invalid UTF-8 in text input at byte 2 (0xff)' });
    expect(writes(fx!)).toHaveLength(0);
  });

  it('text ending inside a character fails finish with ERR_INVALID_UTF8, and close is never sent', async () => {
    const s = await session({ mode: 'text' });
    await s.open();
    await s.writeBytes([Buffer.from([0x61, 0xe2, 0x82])]);
    const error = await caught(s.finish());
    expect(error).toMatchObject({ code: 'ERR_INVALID_UTF8', message: 'Text ends inside a UTF-8 character (2 byte(s) of it)' });
    expect(fx!.dataOps()).not.toContain('close');
  });
});
