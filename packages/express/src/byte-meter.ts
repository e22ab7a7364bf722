import { Transform, type TransformCallback } from 'node:stream';

/** What a {@link ByteMeter} enforces; each error is built when the rule is broken. */
export interface ByteMeterRules {
  /** Most bytes that may pass; the chunk that crosses it fails the stream before it goes further. */
  limit?: number;
  tooLarge?: (limit: number) => Error;
  /** Bytes the stream must have at its end (`Content-Length`); any other count fails it instead of ending it. */
  expected?: number;
  mismatch?: (received: number, expected: number) => Error;
}

/**
 * Passes bytes through while counting them. It fails (rather than passes on) the chunk that crosses
 * `limit`, and fails rather than ends a stream whose count is not `expected`. Either way the stream
 * after it is destroyed, never ended, so a pipe behind it is never closed and nothing is committed.
 */
export class ByteMeter extends Transform {
  readonly #rules: ByteMeterRules;
  #seen = 0;

  constructor(rules: ByteMeterRules = {}) {
    super();
    this.#rules = rules;
  }

  /** Bytes that went through so far. */
  get bytes(): number {
    return this.#seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.byteLength;
    const { limit, tooLarge } = this.#rules;
    if (limit !== undefined && tooLarge && this.#seen > limit) callback(tooLarge(limit));
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { expected, mismatch } = this.#rules;
    if (expected !== undefined && mismatch && this.#seen !== expected) callback(mismatch(this.#seen, expected));
    else callback();
  }
}
