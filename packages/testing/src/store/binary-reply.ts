/**
 * The one server→client binary frame of the protocol: the `fs_read` response. The header is the
 * whole response as Python's `json.dumps` writes it (separators `", "`/`": "`, ASCII only, keys `type, seq,
 * request_seq, command, success, body, arguments`, `arguments:{}`), then one 0x0A, then exactly `body.size` bytes.
 */
import { pyJsonDumps } from './pytext.js';

/** Room kept in front of the bytes read, so that the header can usually be written there without copying them. */
export const HEADER_ROOM = 256;

/** A successful handler result that the connection sends as one binary frame. */
export class BinaryBody {
  // Lets a handler return it where a response body is expected.
  [key: string]: unknown;

  /**
   * @param buffer The payload, starting at `headroom` (bytes before it are free to overwrite).
   */
  constructor(
    readonly body: Record<string, unknown>,
    private readonly buffer: Buffer,
    private readonly headroom = 0,
  ) {}

  /** The payload bytes. */
  get payload(): Buffer {
    return this.buffer.subarray(this.headroom);
  }

  /** The frame bytes, for the response to `requestSeq`/`command` sent with server seq `seq`. */
  frame(seq: number, requestSeq: unknown, command: unknown): Buffer {
    const header = pyJsonDumps({
      type: 'response',
      seq,
      request_seq: requestSeq ?? null,
      command: command ?? null,
      success: true,
      body: this.body,
      arguments: {},
    });
    const head = Buffer.from(`${header}\n`, 'utf8');
    if (head.length > this.headroom) return Buffer.concat([head, this.payload]);
    const start = this.headroom - head.length;
    head.copy(this.buffer, start);
    return this.buffer.subarray(start);
  }
}
