import { isUtf8 } from 'node:buffer';
import { ValidationError } from '@rocketride-streams/core';

const isContinuation = (b: number): boolean => (b & 0xc0) === 0x80;

/** True when a byte is the first byte of a UTF-8 character (or ASCII), i.e. a cut before it is safe. */
export function startsCharacter(b: number): boolean {
  return !isContinuation(b);
}

/** How many bytes at the end of `buf` form the start of a character that is not complete yet (0–3). */
export function incompleteTail(buf: Uint8Array): number {
  const n = buf.byteLength;
  for (let i = 1; i <= Math.min(4, n); i++) {
    const b = buf[n - i]!;
    if (isContinuation(b)) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > i ? i : 0;
  }
  return 0;
}

/**
 * The offset of the first byte of the first invalid UTF-8 sequence in `buf` (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or -1. A sequence cut short by the end of `buf` is
 * invalid. Only used to report where a failed check failed.
 */
export function firstInvalidByte(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.byteLength) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Checks a byte stream for valid UTF-8 as it arrives in chunks of any size, without joining chunks:
 * only the (at most three) bytes of a character split across two chunks are copied.
 */
export class Utf8Validator {
  #carry: Uint8Array = new Uint8Array(0);
  #offset = 0;

  /** Bytes of a character begun at the end of the input so far and not complete yet (0–3). */
  get pendingBytes(): number {
    return this.#carry.byteLength;
  }

  /** Validates the next chunk; throws a ValidationError (code ERR_INVALID_UTF8) at the first bad sequence. */
  push(chunk: Uint8Array): void {
    let body = chunk;
    if (this.#carry.byteLength > 0) {
      // Complete the character begun in the previous chunk with the bytes that continue it.
      let k = 0;
      while (k < chunk.byteLength && k < 3 && isContinuation(chunk[k]!)) k++;
      const joined = new Uint8Array(this.#carry.byteLength + k);
      joined.set(this.#carry);
      joined.set(chunk.subarray(0, k), this.#carry.byteLength);
      const tail = incompleteTail(joined);
      if (tail === joined.byteLength && k === chunk.byteLength) {
        this.#carry = joined; // still incomplete: the chunk was tiny
        this.#offset += chunk.byteLength;
        return;
      }
      if (tail !== 0 || !isUtf8(joined)) this.#fail(this.#offset - this.#carry.byteLength, joined);
      body = chunk.subarray(k);
      this.#offset += k;
    }
    const tail = incompleteTail(body);
    const complete = body.subarray(0, body.byteLength - tail);
    if (!isUtf8(complete)) this.#fail(this.#offset, complete);
    this.#carry = body.slice(body.byteLength - tail);
    this.#offset += body.byteLength;
  }

  /** At the end of the stream: a character still incomplete is an error. */
  end(): void {
    if (this.#carry.byteLength > 0) {
      throw new ValidationError(`Text ends inside a UTF-8 character (${this.#carry.byteLength} byte(s) of it)`, {
        code: 'ERR_INVALID_UTF8',
      });
    }
  }

  /** Throws for the invalid bytes `buf`, which start at stream offset `start`, naming the first bad byte's offset. */
  #fail(start: number, buf: Uint8Array): never {
    const at = start + Math.max(0, firstInvalidByte(buf));
    const hex = (buf[at - start] ?? 0).toString(16).padStart(2, '0');
    throw new ValidationError(`Invalid UTF-8 in text input at byte ${at} (0x${hex})`, { code: 'ERR_INVALID_UTF8' });
  }
}
