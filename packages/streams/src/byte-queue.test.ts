import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue.js';

const concat = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('ByteQueue', () => {
  it('takes any split of the pushed bytes, in order, as views without copying', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fc.array(fc.nat(50), { maxLength: 20 }), (chunks, sizes) => {
        const q = new ByteQueue();
        for (const c of chunks) q.push(c);
        const all = concat(chunks);
        expect(q.bytes).toBe(all.length);
        const out: Uint8Array[] = [];
        for (const s of sizes) out.push(...q.take(Math.min(s, q.bytes)));
        out.push(...q.take(q.bytes));
        expect(concat(out)).toEqual(all);
        expect(q.bytes).toBe(0);
      }),
    );
  });

  it('shares memory with the pushed chunk', () => {
    const q = new ByteQueue();
    const chunk = Buffer.from('abcdef');
    q.push(chunk);
    const [first] = q.take(3);
    expect(first?.buffer).toBe(chunk.buffer);
  });

  it('finds the last byte in a range across parts, and reads single bytes', () => {
    const q = new ByteQueue();
    for (const s of ['ab\nc', 'de', 'f\ng', 'h']) q.push(Buffer.from(s));
    // bytes: a b \n c d e f \n g h  (offsets 0..9)
    expect(q.lastIndexOf(0x0a, 0, 10)).toBe(7);
    expect(q.lastIndexOf(0x0a, 0, 7)).toBe(2);
    expect(q.lastIndexOf(0x0a, 3, 7)).toBe(-1);
    expect(q.byteAt(4)).toBe('d'.charCodeAt(0));
    expect(() => q.byteAt(10)).toThrow(RangeError);
    expect(() => q.take(11)).toThrow(RangeError);
  });

  it('ignores empty chunks', () => {
    const q = new ByteQueue();
    q.push(new Uint8Array(0));
    expect(q.bytes).toBe(0);
    expect(q.take(0)).toEqual([]);
  });
});

describe('ByteQueue searches and reads against a plain buffer', () => {
  // Pushes, then takes a prefix (so the front part may be a view that starts inside a pushed chunk),
  // then compares every lookup with the same lookup on the concatenated remaining bytes.
  const scenario = fc.record({
    chunks: fc.array(fc.uint8Array({ minLength: 0, maxLength: 12 }).map((a) => a.map((b) => b % 4)), { maxLength: 8 }),
    taken: fc.nat(40),
    from: fc.nat(60),
    span: fc.nat(60),
    byte: fc.integer({ min: 0, max: 3 }),
  });

  it('lastIndexOf(byte, from, to) equals Buffer.lastIndexOf within [from, to), whatever the parts and the search window', () => {
    fc.assert(
      fc.property(scenario, ({ chunks, taken, from, span, byte }) => {
        const q = new ByteQueue();
        for (const c of chunks) q.push(c);
        q.take(Math.min(taken, q.bytes));
        const rest = Buffer.concat(q.take(q.bytes).map((p) => Buffer.from(p)));
        // Rebuild the same queue shape: the parts after the take, pushed again.
        const q2 = new ByteQueue();
        for (const c of chunks) q2.push(c);
        q2.take(Math.min(taken, q2.bytes));
        const to = Math.min(from + span, rest.length);
        const lo = Math.min(from, rest.length);
        const expected = to > lo ? rest.subarray(lo, to).lastIndexOf(byte) : -1;
        expect(q2.lastIndexOf(byte, from, from + span)).toBe(expected === -1 ? -1 : lo + expected);
        for (let i = 0; i < rest.length; i++) expect(q2.byteAt(i)).toBe(rest[i]);
      }),
      { numRuns: 1500 },
    );
  });

  it('a search that starts inside a part ignores that part\'s bytes before the start', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('x\nyyyy')); // newline at 1, then y at 2..5
    q.push(Buffer.from('zz'));
    expect(q.lastIndexOf(0x0a, 2, 8)).toBe(-1);
    expect(q.lastIndexOf(0x0a, 1, 8)).toBe(1);
    q.take(1); // the front part is now a view starting at the newline
    expect(q.lastIndexOf(0x0a, 0, 7)).toBe(0);
    expect(q.lastIndexOf(0x0a, 1, 7)).toBe(-1);
    expect(q.lastIndexOf('z'.charCodeAt(0), 0, 6)).toBe(5);
    expect(q.lastIndexOf('z'.charCodeAt(0), 0, 5)).toBe(-1);
    expect(q.byteAt(5)).toBe('z'.charCodeAt(0));
  });
});

describe('ByteQueue edges', () => {
  it('an empty chunk is not a part: taking after it gives only the real chunk', () => {
    const q = new ByteQueue();
    const chunk = Buffer.from('ab');
    q.push(new Uint8Array(0));
    q.push(chunk);
    const out = q.take(2);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(chunk);
  });

  it('taking exactly a whole part hands out that chunk itself and leaves nothing of it behind', () => {
    const q = new ByteQueue();
    const a = Buffer.from('abc');
    const b = Buffer.from('de');
    q.push(a);
    q.push(b);
    expect(q.take(3)[0]).toBe(a);
    expect(q.take(2)[0]).toBe(b);
    expect(q.bytes).toBe(0);
  });

  it('range errors say what was asked', () => {
    const q = new ByteQueue();
    q.push(Buffer.from('abc'));
    expect(() => q.take(4)).toThrow('cannot take 4 bytes from 3');
    expect(() => q.byteAt(3)).toThrow(/is past the end of the queue$/);
  });

  it('stays correct after many parts were taken one by one', () => {
    const q = new ByteQueue();
    for (let i = 0; i < 200; i++) q.push(Buffer.from([i]));
    for (let i = 0; i < 150; i++) expect(q.take(1)[0]![0]).toBe(i);
    expect(q.bytes).toBe(50);
    expect(q.byteAt(0)).toBe(150);
    expect(q.lastIndexOf(160, 0, 50)).toBe(10);
  });
});
