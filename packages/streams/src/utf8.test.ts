import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rocketride-streams/core';
import { incompleteTail, Utf8Validator } from './utf8.js';

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
