import { Transform, type TransformCallback } from 'node:stream';
import { ValidationError } from 'rocketride-streams';
import { ERR_PAYLOAD_TOO_LARGE } from './http-errors.js';

/** The error for a body larger than `limit` bytes (answered 413). */
export function payloadTooLarge(limit: number): ValidationError {
  return new ValidationError(`The request body is larger than the limit of ${limit} bytes; nothing was committed`, { code: ERR_PAYLOAD_TOO_LARGE });
}

/**
 * Passes bytes through while counting them, and fails with {@link payloadTooLarge} on the chunk that
 * crosses `limit`, before that chunk goes any further. So an oversized body never reaches the sink in
 * full, and the sink is destroyed rather than closed.
 */
export class ByteLimit extends Transform {
  readonly #limit: number;
  #seen = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  /** Bytes that went through so far. */
  get bytes(): number {
    return this.#seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.byteLength;
    if (this.#seen > this.#limit) callback(payloadTooLarge(this.#limit));
    else callback(null, chunk);
  }
}
