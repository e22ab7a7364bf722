import type { PipeRecord } from '../types.js';

/** The inspection record of one pipe; payload chunks are joined only when `received` is read. */
export class PipeRecordImpl implements PipeRecord {
  writes = 0;
  bytes = 0;
  state: PipeRecord['state'] = 'open';
  result?: Record<string, unknown>;
  private chunks: Buffer[] = [];

  constructor(
    readonly token: string,
    readonly pipeId: number,
    readonly object: Record<string, unknown>,
    readonly mimeType: string,
    readonly lane: string,
    private readonly keep: boolean,
  ) {}

  get received(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  append(chunk: Buffer): void {
    // Kept as given: frame and request-body buffers are not reused by their producers.
    if (this.keep) this.chunks.push(chunk);
    this.writes++;
    this.bytes += chunk.length;
  }
}
