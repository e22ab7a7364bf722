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
