/**
 * An ordered list of byte chunks that can be taken from the front in pieces of any size without
 * copying: a piece is a list of views (`subarray`) on the chunks that were pushed.
 */
export class ByteQueue {
  #parts: Uint8Array[] = [];
  #head = 0; // index of the first live part
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#parts.push(chunk);
    this.#bytes += chunk.byteLength;
  }

  /** The byte at offset `i` from the front. */
  byteAt(i: number): number {
    for (let p = this.#head; p < this.#parts.length; p++) {
      const part = this.#parts[p]!;
      if (i < part.byteLength) return part[i]!;
      i -= part.byteLength;
    }
    throw new RangeError(`offset ${i} is past the end of the queue`);
  }

  /** The offset of the last `byte` in `[from, to)`, or -1. Searched from the back, part by part. */
  lastIndexOf(byte: number, from: number, to: number): number {
    let end = this.#bytes;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: `end > from` only stops early; a part wholly before `from` yields an empty subarray and no hit
    for (let p = this.#parts.length - 1; p >= this.#head && end > from; p--) {
      const part = this.#parts[p]!;
      const start = end - part.byteLength;
      // Stryker disable next-line EqualityOperator: with start === to the window in this part is empty
      if (start < to) {
        const lo = Math.max(from, start) - start;
        const hi = Math.min(to, end) - start;
        const hit = part.subarray(lo, hi).lastIndexOf(byte);
        if (hit !== -1) return start + lo + hit;
      }
      end = start;
    }
    return -1;
  }

  /** Removes and returns the first `n` bytes as views on the pushed chunks. */
  take(n: number): Uint8Array[] {
    if (n > this.#bytes) throw new RangeError(`cannot take ${n} bytes from ${this.#bytes}`);
    const out: Uint8Array[] = [];
    while (n > 0) {
      const part = this.#parts[this.#head]!;
      if (part.byteLength <= n) {
        out.push(part);
        n -= part.byteLength;
        this.#bytes -= part.byteLength;
        this.#parts[this.#head++] = EMPTY;
      } else {
        out.push(part.subarray(0, n));
        this.#parts[this.#head] = part.subarray(n);
        this.#bytes -= n;
        n = 0;
      }
    }
    // Stryker disable next-line all: compaction frees taken slots only; the queue holds the same bytes either way
    if (this.#head > 64 && this.#head * 2 > this.#parts.length) {
      // Stryker disable next-line all: as above
      this.#parts = this.#parts.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}

const EMPTY = new Uint8Array(0);
