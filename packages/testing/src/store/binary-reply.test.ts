import { describe, expect, it } from 'vitest';
import { BinaryBody } from './binary-reply.js';

const header = (seq: number, requestSeq: string, size: number) =>
  `{"type": "response", "seq": ${seq}, "request_seq": ${requestSeq}, "command": "rrext_store", "success": true, "body": {"size": ${size}}, "arguments": {}}`;

describe('BinaryBody (the fs_read frame, PROTOCOL.md §16.C)', () => {
  it('is the Python json.dumps header, 0x0A, then the payload, written in front of the bytes when there is room', () => {
    const room = 200;
    const buffer = Buffer.alloc(room + 3, 0xee);
    buffer.set([0x0a, 0x00, 0x41], room);
    const body = new BinaryBody({ size: 3 }, buffer, room);
    expect(body.payload).toEqual(Buffer.from([0x0a, 0x00, 0x41]));
    const frame = body.frame(7, 7, 'rrext_store');
    expect(frame).toEqual(Buffer.concat([Buffer.from(`${header(7, '7', 3)}\n`), Buffer.from([0x0a, 0x00, 0x41])]));
    // No copy of the payload: the frame is a view of the same memory.
    expect(frame.buffer).toBe(buffer.buffer);
  });

  it('falls back to a copy when the header does not fit in the room, e.g. a huge request_seq', () => {
    const requestSeq = 'x'.repeat(300);
    const body = new BinaryBody({ size: 2 }, Buffer.from('..ab'), 2);
    const frame = body.frame(1, requestSeq, 'rrext_store');
    expect(frame.toString()).toBe(`${header(1, JSON.stringify(requestSeq), 2)}\nab`);
  });

  it('an empty read is the header and 0x0A alone; a missing request_seq is null', () => {
    const frame = new BinaryBody({ size: 0 }, Buffer.alloc(0)).frame(3, undefined, 'rrext_store');
    expect(frame.toString()).toBe(`${header(3, 'null', 0)}\n`);
  });
});
