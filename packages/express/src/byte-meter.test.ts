import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ByteMeter } from './byte-meter.js';
import { contentLengthMismatch, payloadTooLarge } from './upload-errors.js';

/** A sink that records what it got and whether it was ended (a pipe's close) or destroyed. */
function recorder(): Writable & { got: number; ended: boolean } {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      sink.got += chunk.length;
      cb();
    },
    final(cb) {
      sink.ended = true;
      cb();
    },
  }) as Writable & { got: number; ended: boolean };
  sink.got = 0;
  sink.ended = false;
  return sink;
}

const rules = (expected: number, limit?: number) => ({
  expected,
  mismatch: contentLengthMismatch,
  ...(limit === undefined ? {} : { limit, tooLarge: payloadTooLarge }),
});

describe('ByteMeter', () => {
  it('ends the stream behind it when the count is the expected one', async () => {
    const sink = recorder();
    await pipeline(Readable.from([Buffer.alloc(300), Buffer.alloc(700)]), new ByteMeter(rules(1000)), sink);
    expect(sink).toMatchObject({ got: 1000, ended: true });
  });

  it('fails instead of ending a stream with fewer bytes than expected: the sink is destroyed, never ended', async () => {
    const sink = recorder();
    await expect(pipeline(Readable.from([Buffer.alloc(300)]), new ByteMeter(rules(1000)), sink)).rejects.toMatchObject({
      code: 'ERR_CONTENT_LENGTH_MISMATCH',
      message: 'The request body has 300 bytes but its Content-Length announced 1000; nothing was committed',
    });
    expect(sink.ended).toBe(false);
    expect(sink.destroyed).toBe(true);
  });

  it('fails a stream with more bytes than expected the same way', async () => {
    const sink = recorder();
    await expect(pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), new ByteMeter(rules(1000)), sink)).rejects.toMatchObject({
      code: 'ERR_CONTENT_LENGTH_MISMATCH',
      message: 'The request body has 1200 bytes but its Content-Length announced 1000; nothing was committed',
    });
    expect(sink.ended).toBe(false);
  });

  it('does not pass on the chunk that crosses the limit', async () => {
    const sink = recorder();
    await expect(pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), new ByteMeter(rules(1200, 1000)), sink)).rejects.toMatchObject({
      code: 'ERR_PAYLOAD_TOO_LARGE',
      message: 'The request body is larger than the limit of 1000 bytes; nothing was committed',
    });
    expect(sink).toMatchObject({ got: 600, ended: false });
  });
});
