import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '@rocketride-streams/core';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const writesOf = (f: Fixture) => f.engine.requests().filter((r) => r.arguments.subcommand === 'write');
const bytesOf = (s: string) => [...Buffer.from(s)].map((b) => Buffer.from([b]));

describe('text mode', () => {
  it('sends text split one byte per chunk (characters straddling every edge) as one valid segment', async () => {
    fx = await startFixture();
    const text = 'héllo wörld — 😀 ünïcödé\nsecond line ✓';
    const sink = createPipe(fx.client, fx.token, { name: 'notes.txt' });
    await pipeline(Readable.from(bytesOf(text)), sink);
    const result = await sink.result;
    expect(result.text).toEqual([`${text}\n\n`]);
    expect(result.result_types).toEqual({ text: 'text' });
    expect(writesOf(fx)).toHaveLength(1);
  });

  it('cuts segments at line ends when a split is needed, never inside a character', async () => {
    fx = await startFixture();
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}: ünïcödé ✓ 😀`).join('\n');
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', maxWriteBytes: 100 });
    await pipeline(Readable.from(bytesOf(lines)), sink);
    await sink.result;
    const received = fx.engine.pipes().at(-1)!.received;
    expect(received.toString()).toBe(lines);
    // Slice what the engine received by the size of each write: every segment but the last ends a line.
    const sizes = writesOf(fx).map((w) => w.dataBytes);
    expect(sizes.length).toBeGreaterThan(10);
    let at = 0;
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeLessThanOrEqual(100);
      at += size;
      expect(received[at - 1]).toBe(0x0a);
    }
  });

  it('cuts on character boundaries when there is no line end, with tiny writes', async () => {
    fx = await startFixture();
    const text = '😀é✓'.repeat(30);
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', maxWriteBytes: 5 });
    await pipeline(Readable.from([Buffer.from(text)]), sink);
    const joined = ((await sink.result).text as string[])[0]!.split('\n\n').join('');
    expect(joined).toBe(text); // the engine would have failed the pipe on a partial character
  });

  it('accepts string chunks', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'text' });
    await pipeline(Readable.from(['a', 'b', 'c']), sink);
    expect((await sink.result).text).toEqual(['abc\n\n']);
  });

  it('invalid UTF-8 is a ValidationError before anything is sent for it; the pipe is not closed', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain' });
    const err = await pipeline(Readable.from([Buffer.from('fine '), Buffer.from([0xff, 0xfe])]), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_UTF8', message: 'Invalid UTF-8 in text input at byte 5 (0xff)' });
    expect(fx.dataOps()).toEqual(['open']);
  });

  it('text ending inside a character is refused at end, nothing committed', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain' });
    const err = await pipeline(Readable.from([Buffer.from([0x68, 0xe2, 0x82])]), sink).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_UTF8', message: 'Text ends inside a UTF-8 character (2 byte(s) of it)' });
    expect(fx.dataOps()).toEqual(['open']);
  });
});

describe('documents mode', () => {
  it('sends one complete JSON document per write, never merged', async () => {
    fx = await startFixture({ ackDelayMs: 10 });
    const docs = Array.from({ length: 12 }, (_, i) => ({ type: 'Document', page_content: `doc ${i}`, metadata: { objectId: 'o', chunkId: i } }));
    const sink = createPipe(fx.client, fx.token, { mimeType: 'lane/documents' });
    await pipeline(Readable.from(docs), sink);
    const record = fx.engine.pipes().at(-1)!;
    expect(record.writes).toBe(12);
    const sent = writesOf(fx).map((w) => w.dataBytes);
    expect(sent).toEqual(docs.map((d) => Buffer.byteLength(JSON.stringify(d))));
    expect(record.received.toString()).toBe(docs.map((d) => JSON.stringify(d)).join(''));
  });

  it('a non-serialisable object is a ValidationError before its write; the pipe is not closed', async () => {
    fx = await startFixture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const sink = createPipe(fx.client, fx.token, { mode: 'documents' });
    const err = await pipeline(Readable.from([{ ok: true }, cyclic]), sink).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_DOCUMENT' });
    expect(fx.dataOps()).toEqual(['open', 'write']);
  });

  it('a primitive is refused (documents are objects or arrays)', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mode: 'documents' });
    const err = await pipeline(Readable.from([7]), sink).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_DOCUMENT' });
    expect(fx.dataOps()).toEqual(['open']);
  });
});

describe('text held back from a trickling source', () => {
  // A source trickling small pieces, never quiet for long, but never filling a segment either.
  const pieces = Array.from({ length: 15 }, (_, i) => `piece ${i}; `);
  const slowText = async function* () {
    for (const p of pieces) {
      yield Buffer.from(p);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Scaled: the engine reaps after 60 s idle (scan every 30 s) → 1000 ms (scan 100 ms); the source
  // trickles for 1.5 s; the flush comes 100 ms after the last write, far inside the reaping window.
  const timing = { reapIdleMs: 1000, reapScanMs: 100 };

  it('is flushed as a segment before the engine would reap the pipe', async () => {
    fx = await startFixture({ timing });
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', idleFlushMs: 100 });
    await pipeline(Readable.from(slowText()), sink);
    const segments = ((await sink.result).text as string[])[0]!.split('\n\n');
    expect(segments.join('')).toBe(pieces.join(''));
    expect(segments.length).toBeGreaterThan(2);
  });

  it('without the flush, the engine reaps the pipe and the sink fails (what the flush prevents)', async () => {
    fx = await startFixture({ timing });
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', idleFlushMs: 0 });
    const err = await pipeline(Readable.from(slowText()), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fx.engine.pipes().at(-1)!.state).toBe('abandoned');
  });
});
