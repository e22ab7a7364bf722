import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rocketride-streams/core';
import { isUtf8 } from 'node:buffer';
import { firstInvalidByte, incompleteTail, Utf8Validator } from './utf8.js';

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('Utf8Validator', () => {
  it('accepts valid text however it is chunked (characters straddling chunk edges)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.nat(200), { maxLength: 8 }), (text, cuts) => {
        const v = new Utf8Validator();
        for (const c of splitAt(Buffer.from(text), cuts)) v.push(c);
        expect(() => v.end()).not.toThrow();
      }),
    );
  });

  it('rejects invalid bytes wherever they are, with a coded error', () => {
    const bad = [Buffer.from([0xff]), Buffer.from([0x61, 0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82, 0x61])];
    for (const b of bad) {
      const v = new Utf8Validator();
      let err: unknown;
      try {
        for (const byte of b) v.push(Buffer.from([byte]));
        v.end();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).code).toBe('ERR_INVALID_UTF8');
    }
  });

  it('rejects text that ends inside a character', () => {
    const v = new Utf8Validator();
    v.push(Buffer.from([0x68, 0xc3]));
    expect(() => v.end()).toThrow(/ends inside a UTF-8 character/);
  });
});

describe('incompleteTail', () => {
  it('counts the bytes of a character cut at the end', () => {
    const euro = Buffer.from('€'); // e2 82 ac
    expect(incompleteTail(euro)).toBe(0);
    expect(incompleteTail(euro.subarray(0, 2))).toBe(2);
    expect(incompleteTail(euro.subarray(0, 1))).toBe(1);
    expect(incompleteTail(Buffer.from('abc'))).toBe(0);
    expect(incompleteTail(Buffer.from('😀').subarray(0, 3))).toBe(3);
  });
});

/** Pushes each chunk whole and returns the error thrown (by a push or by end()). */
function failure(...chunks: number[][]): ValidationError | undefined {
  const v = new Utf8Validator();
  try {
    for (const c of chunks) v.push(Buffer.from(c));
    v.end();
  } catch (e) {
    return e as ValidationError;
  }
  return undefined;
}

describe('Utf8Validator on whole chunks: the error names the offset of the first bad byte', () => {
  it.each([
    ['a lone 0xff inside a chunk', [[0x61, 0x62, 0xff, 0x63, 0x64]], 2, 'ff'],
    ['a truncated 2-byte sequence followed by ASCII', [[0x61, 0xc3, 0x28, 0x61]], 1, 'c3'],
    ['an overlong form (c0 af)', [[0x2f, 0xc0, 0xaf, 0x2f]], 1, 'c0'],
    ['a surrogate (ed a0 80)', [[0x61, 0xed, 0xa0, 0x80, 0x61]], 1, 'ed'],
    ['above U+10FFFF (f4 90 80 80)', [[0xf4, 0x90, 0x80, 0x80, 0x61]], 0, 'f4'],
    ['a stray continuation byte in the second chunk', [[0x68, 0x69], [0x21, 0x80, 0x21]], 3, '80'],
    ['a character begun in one chunk and broken in the next', [[0x68, 0xe2], [0x82, 0x61]], 1, 'e2'],
    ['bad bytes after a character completed across chunks', [[0xe2, 0x82], [0xac, 0x61, 0xfe, 0x61]], 4, 'fe'],
  ])('%s', (_name, chunks, at, hex) => {
    const err = failure(...chunks);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err?.code).toBe('ERR_INVALID_UTF8');
    expect(err?.message).toBe(`Invalid UTF-8 in text input at byte ${at} (0x${hex})`);
  });

  it('text ending inside a character names how much of it there is', () => {
    expect(failure([0x61, 0xf0, 0x9f])?.message).toBe('Text ends inside a UTF-8 character (2 byte(s) of it)');
  });

  it('firstInvalidByte agrees with the platform check on any bytes, and points at a byte the platform refuses from', () => {
    // Random bytes, and valid text with one byte replaced (which reaches the multi-byte rules).
    const mutatedText = fc
      .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([text, where, value]) => {
        const b = Buffer.from(text);
        b[where % b.length] = value;
        return new Uint8Array(b);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 24 }), mutatedText), (bytes) => {
        const at = firstInvalidByte(bytes);
        expect(at === -1).toBe(isUtf8(bytes));
        if (at !== -1) {
          expect(isUtf8(bytes.subarray(0, at))).toBe(true);
          expect(isUtf8(bytes.subarray(0, at + 4))).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
