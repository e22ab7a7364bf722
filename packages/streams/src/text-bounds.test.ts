import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortError, ValidationError } from '@rocketride-streams/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePipeOptions } from './options.js';
import { createPipe } from './pipe-writable.js';
import { PipeSession } from './session.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const writeSizes = (f: Fixture, pipeId?: number) =>
  f.engine
    .requests()
    .filter((r) => r.arguments.subcommand === 'write' && (pipeId === undefined || r.arguments.pipe_id === pipeId))
    .map((r) => r.dataBytes);

const writeAcked = (sink: NodeJS.WritableStream, chunk: Buffer) =>
  new Promise<void>((resolve, reject) => sink.write(chunk, (e?: Error | null) => (e ? reject(e) : resolve())));

describe('text mode holds back at most one segment, and no segment is larger than maxWriteBytes', () => {
  it('sends full segments while the input is still coming, not only at finish', async () => {
    fx = await startFixture();
    const max = 1024;
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', maxWriteBytes: max, idleFlushMs: 0 });
    let written = 0;
    for (let i = 0; i < 40; i++) {
      const chunk = Buffer.from(`${'ü'.repeat(60)} line ${i}\n`); // multibyte text, lines of ~130 bytes
      await writeAcked(sink, chunk);
      written += chunk.length;
      const received = fx.engine.pipes().at(-1)!.bytes;
      // Everything but less than one segment has reached the engine before end() is even called.
      expect(written - received).toBeLessThan(max);
    }
    expect(fx.engine.pipes().at(-1)!.writes).toBeGreaterThan(3);
    sink.end();
    await sink.result;
    expect(Math.max(...writeSizes(fx))).toBeLessThanOrEqual(max);
  });

  it('whatever the text and its chunking: every write is at most maxWriteBytes, valid UTF-8 on its own, and the bytes arrive intact', async () => {
    fx = await startFixture();
    const f = fx;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.integer({ min: 4, max: 48 }),
        async (text, cuts, max) => {
          const bytes = Buffer.from(text);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            if (p > prev) chunks.push(bytes.subarray(prev, p));
            prev = p;
          }
          const sink = createPipe(f.client, f.token, { mimeType: 'text/plain', maxWriteBytes: max });
          await pipeline(Readable.from(chunks), sink);
          const record = f.engine.pipes().at(-1)!;
          expect(record.received.equals(bytes)).toBe(true);
          let at = 0;
          for (const size of writeSizes(f, record.pipeId).slice(-record.writes)) {
            expect(size).toBeLessThanOrEqual(max);
            expect(isUtf8(record.received.subarray(at, at + size))).toBe(true);
            at += size;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('invalid UTF-8 in the middle of a chunk is refused on the client, naming the byte; nothing of it is sent', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain' });
    const bad = Buffer.from([0x61, 0x62, 0xff, 0x63, 0x64]);
    const err = await pipeline(Readable.from([Buffer.from('fine '), bad]), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_UTF8', message: 'Invalid UTF-8 in text input at byte 7 (0xff)' });
    expect(fx.dataOps()).toEqual(['open']);
  });
});

describe('abandoning a session cancels the write in flight', () => {
  it('a withheld write ack: abandon() rejects the pending write at once with the reason, and no close is sent', async () => {
    fx = await startFixture();
    fx.engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const session = new PipeSession(fx.client, fx.token, resolvePipeOptions({ name: 'cancel.bin' }));
    await session.open();
    const write = session.writeBytes([Buffer.from('abc')]);
    const settled = write.catch((e: unknown) => e);
    while (fx.engine.requests().filter((r) => r.arguments.subcommand === 'write').length === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new AbortError('caller gave up');
    session.abandon(reason);
    expect(await settled).toBe(reason);
    await expect(session.finish()).rejects.toBe(reason);
    expect(fx.dataOps()).toEqual(['open', 'write']);
  });
});
