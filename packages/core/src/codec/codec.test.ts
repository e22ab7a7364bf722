import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeFrame } from './decode.js';
import { encodeMessage, joinParts } from './encode.js';
import type { DAPRequest } from './types.js';

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const args = fc.dictionary(fc.string({ maxLength: 12 }).filter((k) => k !== 'data' && k !== '__proto__'), jsonValue, {
  maxKeys: 5,
});

describe('encodeMessage / decodeFrame', () => {
  it('round-trips text messages of any shape', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 1, maxLength: 20 }), args, (seq, command, a) => {
        const msg: DAPRequest = { type: 'request', seq, command, arguments: a };
        const enc = encodeMessage(msg);
        expect(enc.binary).toBe(false);
        if (enc.binary) return;
        expect(enc.text.includes('\n')).toBe(false);
        const dec = decodeFrame(Buffer.from(enc.text), false);
        expect(dec).toEqual({ ok: true, message: JSON.parse(JSON.stringify(msg)) });
      }),
    );
  });

  it('round-trips binary messages: payload bytes (newlines included) land at arguments.data intact', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        args,
        fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 4 }),
        (seq, a, chunks) => {
          const msg = { type: 'request', seq, command: 'rrext_process', arguments: { ...a, data: chunks } } as DAPRequest;
          const enc = encodeMessage(msg);
          expect(enc.binary).toBe(true);
          if (!enc.binary) return;
          const frame = joinParts(enc.parts);
          expect(frame.length).toBe(enc.byteLength);
          const dec = decodeFrame(frame, true);
          expect(dec.ok).toBe(true);
          if (!dec.ok) return;
          const got = dec.message as DAPRequest;
          expect(Buffer.from(got.arguments?.data as Uint8Array)).toEqual(Buffer.concat(chunks));
          const { data: _ignored, ...rest } = got.arguments as Record<string, unknown>;
          expect(rest).toEqual(JSON.parse(JSON.stringify(a)));
        },
      ),
    );
  });

  it('returns payload buffers untouched (no copy) and the header as the first part', () => {
    const payload = Buffer.from('a\nb\nc');
    const enc = encodeMessage({ type: 'request', seq: 7, command: 'rrext_process', arguments: { pipe_id: 0, data: payload } });
    if (!enc.binary) throw new Error('expected a binary message');
    expect(enc.parts[1]).toBe(payload);
    expect(Buffer.from(enc.parts[0] as Uint8Array).toString()).toBe(
      '{"type":"request","seq":7,"command":"rrext_process","arguments":{"pipe_id":0}}\n',
    );
  });

  it('encodes string data as UTF-8 and other values as JSON text', () => {
    const s = encodeMessage({ type: 'request', seq: 1, command: 'x', arguments: { data: 'é' } });
    const o = encodeMessage({ type: 'request', seq: 1, command: 'x', arguments: { data: { a: 1 } as never } });
    if (!s.binary || !o.binary) throw new Error('expected binary messages');
    expect(Buffer.from(s.parts[1] as Uint8Array)).toEqual(Buffer.from('é'));
    expect(Buffer.from(o.parts[1] as Uint8Array).toString()).toBe('{"a":1}');
  });

  it('decodes the payload as a view on the received buffer', () => {
    const frame = Buffer.from('{"type":"response","seq":1,"request_seq":1,"command":"rrext_store","success":true}\nXYZ');
    const dec = decodeFrame(frame, true);
    if (!dec.ok) throw dec.error;
    const data = (dec.message as unknown as { arguments: { data: Buffer } }).arguments.data;
    expect(data.toString()).toBe('XYZ');
    expect(data.buffer).toBe(frame.buffer);
  });

  it('accepts a multi-line JSON text frame (unlike a binary-only parser)', () => {
    const dec = decodeFrame(Buffer.from('{\n "type": "event",\n "seq": 3,\n "event": "output"\n}'), false);
    expect(dec.ok && dec.message.type).toBe('event');
  });

  it('parses a binary frame without a newline as one JSON document', () => {
    const dec = decodeFrame(Buffer.from('{"type":"event","seq":1,"event":"e"}'), true);
    expect(dec.ok).toBe(true);
  });
});

describe('decodeFrame on malformed input', () => {
  const bad = (data: string | Buffer, isBinary = false, code?: string) => {
    const dec = decodeFrame(data, isBinary);
    expect(dec.ok).toBe(false);
    if (dec.ok) return;
    expect(dec.error).toBeInstanceOf(ProtocolError);
    if (code) expect(dec.error.code).toBe(code);
  };

  it('reports invalid JSON with a preview', () => {
    const dec = decodeFrame('{"type": "resp', false);
    expect(dec.ok).toBe(false);
    if (!dec.ok) expect(dec.error.message).toMatch(/not valid JSON: "\{\\"type\\": \\"resp"/);
    bad(Buffer.from('not json\npayload'), true, 'ERR_FRAME_NOT_JSON');
  });

  it('reports JSON that is not an object', () => {
    for (const v of ['[]', '1', '"s"', 'null', 'true']) bad(v, false, 'ERR_FRAME_NOT_OBJECT');
  });

  it('reports invalid UTF-8', () => {
    bad(Buffer.from([0x7b, 0xff, 0x7d]), false, 'ERR_FRAME_NOT_UTF8');
  });

  it('reports wrong field types', () => {
    const cases = [
      { type: 'response', seq: '1', request_seq: 1, command: 'x', success: true },
      { type: 'response', seq: 1, request_seq: '1', command: 'x', success: true },
      { type: 'response', seq: 1, request_seq: 1, command: 'x', success: 'yes' },
      { type: 'response', seq: 1, request_seq: 1, command: 'x', success: false, message: 5 },
      { type: 'response', seq: 1, request_seq: 1, command: 'x', success: true, body: [] },
      { type: 'event', seq: 1, event: 5 },
      { type: 'event', seq: 1.5, event: 'x' },
      { type: 'request', seq: 1, command: 5 },
      { type: 'request', seq: 1, command: 'x', arguments: 'a' },
      { type: 'nope', seq: 1 },
      { seq: 1 },
    ];
    for (const c of cases) bad(JSON.stringify(c), false, 'ERR_FRAME_INVALID');
  });

  it('keeps a response with request_seq null (a request that had no seq)', () => {
    const dec = decodeFrame('{"type":"response","seq":2,"request_seq":null,"command":null,"success":false,"message":"Invalid command: "}', false);
    expect(dec.ok).toBe(true);
  });

  it('refuses a binary frame whose header is over the limit instead of scanning it', () => {
    const huge = decodeFrame(Buffer.concat([Buffer.alloc(2048, 0x20), Buffer.from('\n')]), true, { maxHeaderBytes: 1024 });
    expect(!huge.ok && huge.error.code).toBe('ERR_FRAME_HEADER_TOO_LARGE');
    const noNewline = decodeFrame(Buffer.alloc(2048, 0x20), true, { maxHeaderBytes: 1024 });
    expect(!noNewline.ok && noNewline.error.code).toBe('ERR_FRAME_HEADER_TOO_LARGE');
    const dec = decodeFrame(Buffer.concat([Buffer.alloc(100, 0x20), Buffer.from('\nxx')]), true, { maxHeaderBytes: 50 });
    expect(!dec.ok && dec.error.code).toBe('ERR_FRAME_HEADER_TOO_LARGE');
    // A header under the limit followed by a large payload is fine.
    const big = decodeFrame(
      Buffer.concat([Buffer.from('{"type":"event","seq":1,"event":"e"}\n'), Buffer.alloc(4096, 0x0a)]),
      true,
      { maxHeaderBytes: 64 },
    );
    expect(big.ok).toBe(true);
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, isBinary) => {
        const dec = decodeFrame(Buffer.from(bytes), isBinary);
        expect(typeof dec.ok).toBe('boolean');
      }),
    );
  });

  it('with validate:false accepts any object (a server answering odd requests) but not non-objects', () => {
    expect(decodeFrame('{"type":"request","seq":1}', false, { validate: false }).ok).toBe(true);
    expect(decodeFrame('[1]', false, { validate: false }).ok).toBe(false);
  });
});
