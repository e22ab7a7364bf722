import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/protocol-error.js';
import { DEFAULT_MAX_HEADER, decodeFrame } from './decode.js';
import { encodeMessage, joinParts, NEWLINE } from './encode.js';
import type { DAPRequest } from './types.js';
import { requireObject, validateMessage } from './validate.js';

// Error paths of the codec pinned by code AND message, and the byte positions a binary frame is split at.

function refusal(data: string | Uint8Array | ArrayBuffer | readonly Uint8Array[], isBinary = false, options = {}) {
  const dec = decodeFrame(data, isBinary, options);
  if (dec.ok) throw new Error(`expected a refusal, got ${JSON.stringify(dec.message)}`);
  expect(dec.error).toBeInstanceOf(ProtocolError);
  return { code: dec.error.code, message: dec.error.message };
}

const invalid = (message: string) => ({ code: 'ERR_FRAME_INVALID', message });

describe('validateMessage refusals name the field', () => {
  it.each([
    [{ type: 'response', seq: 1, request_seq: 1, success: true, body: [] }, '"body" must be an object'],
    [{ type: 'event', seq: 1, event: 'e', body: 'x' }, '"body" must be an object'],
    [{ type: 'request', seq: 1, command: 'x', arguments: 'a' }, '"arguments" must be an object'],
    [{ type: 'request', seq: 1, command: 'x', arguments: [] }, '"arguments" must be an object'],
    [{ type: 'request', seq: 1.5, command: 'x' }, 'request "seq" must be an integer'],
    [{ type: 'request', seq: '1', command: 'x' }, 'request "seq" must be an integer'],
    [{ type: 'request', seq: 1, command: 5 }, 'request "command" must be a string'],
    [{ type: 'response', seq: '1', request_seq: 1, success: true }, 'response "seq" must be an integer'],
    [{ type: 'response', request_seq: 1, success: true }, 'response "seq" must be an integer'],
    [{ type: 'response', seq: 1, request_seq: '1', success: true }, 'response "request_seq" must be an integer or null'],
    [{ type: 'response', seq: 1, success: true }, 'response "request_seq" must be an integer or null'],
    [{ type: 'response', seq: 1, request_seq: 1, success: 'yes' }, 'response "success" must be a boolean'],
    [{ type: 'response', seq: 1, request_seq: 1, success: true, command: 3 }, 'response "command" must be a string'],
    [{ type: 'response', seq: 1, request_seq: 1, success: false, message: 5 }, 'response "message" must be a string'],
    [{ type: 'event', seq: 1.5, event: 'x' }, 'event "seq" must be an integer'],
    [{ type: 'event', event: 'x' }, 'event "seq" must be an integer'],
    [{ type: 'event', seq: 1, event: 5 }, 'event "event" must be a string'],
    [{ type: 'event', seq: 1 }, 'event "event" must be a string'],
    [{ seq: 1 }, 'unknown message type undefined'],
    [{ type: null }, 'unknown message type null'],
    [{ type: 7 }, 'unknown message type 7'],
    [{ type: 'nope' }, 'unknown message type "nope"'],
    [{ type: 'x'.repeat(41) }, `unknown message type "${'x'.repeat(40)}…"`],
    [{ type: 'x'.repeat(40) }, `unknown message type "${'x'.repeat(40)}"`],
    [{ type: [] }, 'unknown message type an array'],
    [{ type: {} }, 'unknown message type an object'],
  ])('%j → %s', (value, message) => {
    expect(refusal(JSON.stringify(value))).toEqual(invalid(message));
    const direct = validateMessage(value);
    expect(direct.ok).toBe(false);
  });

  it.each([
    { type: 'request', command: 'x' },
    { type: 'request', seq: null, command: null },
    { type: 'request', seq: 1, command: 'x', arguments: {} },
    { type: 'response', seq: 1, request_seq: null, success: false, command: null, message: null },
    { type: 'response', seq: 1, request_seq: 1, success: true, command: 'x', message: 'm', body: {} },
    { type: 'event', seq: 1, event: 'e', body: {} },
  ])('accepts %j unchanged', (value) => {
    expect(validateMessage(structuredClone(value))).toEqual({ ok: true, message: value });
  });

  it('removes a null body or arguments, leaving the other fields', () => {
    expect(validateMessage({ type: 'event', seq: 1, event: 'e', body: null })).toEqual({
      ok: true,
      message: { type: 'event', seq: 1, event: 'e' },
    });
    const request = validateMessage({ type: 'request', seq: 1, command: 'c', arguments: null });
    expect(request).toEqual({ ok: true, message: { type: 'request', seq: 1, command: 'c' } });
    expect(request.ok && Object.hasOwn(request.message, 'arguments')).toBe(false);
  });

  it('requireObject refuses every non-object with ERR_FRAME_NOT_OBJECT', () => {
    for (const value of [null, [], 1, 'x', true, undefined]) {
      const result = requireObject(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect([result.error.code, result.error.message]).toEqual(['ERR_FRAME_NOT_OBJECT', 'Frame is not a JSON object']);
    }
    expect(requireObject({ any: 1 })).toEqual({ ok: true, message: { any: 1 } });
  });
});

describe('decodeFrame refusals', () => {
  it('invalid JSON: the message carries an 80-character preview, cut with an ellipsis only when longer', () => {
    const short = '{"type": "resp';
    expect(refusal(short)).toEqual({ code: 'ERR_FRAME_NOT_JSON', message: `Frame is not valid JSON: ${JSON.stringify(short)}` });
    const exact = `{${'a'.repeat(79)}`;
    expect(refusal(exact).message).toBe(`Frame is not valid JSON: ${JSON.stringify(exact)}`);
    const long = `{${'a'.repeat(100)}`;
    expect(refusal(long).message).toBe(`Frame is not valid JSON: ${JSON.stringify(`${long.slice(0, 80)}…`)}`);
    expect(refusal(Buffer.from('not json\npayload'), true)).toEqual({
      code: 'ERR_FRAME_NOT_JSON',
      message: 'Frame is not valid JSON: "not json"',
    });
  });

  it('invalid UTF-8, text or binary header', () => {
    const expected = { code: 'ERR_FRAME_NOT_UTF8', message: 'Frame is not valid UTF-8' };
    expect(refusal(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual(expected);
    expect(refusal(Buffer.from([0x7b, 0xff, 0x7d, NEWLINE, 1]), true)).toEqual(expected);
  });

  it('anything else that throws while decoding is ERR_FRAME_INVALID with the cause, never an exception', () => {
    const dec = decodeFrame([1, 2] as unknown as Uint8Array[], true);
    expect(dec.ok).toBe(false);
    if (dec.ok) return;
    expect([dec.error.code, dec.error.message]).toEqual(['ERR_FRAME_INVALID', 'Frame could not be decoded']);
    expect(dec.error.cause).toBeInstanceOf(TypeError);
  });

  it('a binary frame whose arguments cannot carry the payload', () => {
    for (const args of ['"s"', '[]', '1']) {
      const frame = Buffer.from(`{"type":"request","seq":1,"command":"c","arguments":${args}}\nxy`);
      expect(refusal(frame, true, { validate: false })).toEqual(invalid('Binary frame: "arguments" must be an object'));
    }
  });

  it('the header limit: a newline at exactly maxHeaderBytes is found, one byte later it is not', () => {
    const header = '{"type":"event","seq":1,"event":"e"}';
    const limit = header.length;
    const ok = decodeFrame(Buffer.from(`${header}\nP`), true, { maxHeaderBytes: limit });
    expect(ok).toMatchObject({ ok: true, message: { arguments: { data: Buffer.from('P') } } });
    const padded = `${header} `;
    expect(refusal(Buffer.from(`${padded}\nP`), true, { maxHeaderBytes: limit })).toEqual({
      code: 'ERR_FRAME_HEADER_TOO_LARGE',
      message: `Binary frame has no header separator within ${limit} bytes`,
    });
    // Without a newline, a frame of exactly the limit is parsed whole; one byte more is refused.
    expect(decodeFrame(Buffer.from(header), true, { maxHeaderBytes: limit }).ok).toBe(true);
    expect(refusal(Buffer.from(padded), true, { maxHeaderBytes: limit }).code).toBe('ERR_FRAME_HEADER_TOO_LARGE');
    expect(DEFAULT_MAX_HEADER).toBe(1024 * 1024);
    expect(refusal(Buffer.alloc(DEFAULT_MAX_HEADER + 1, 0x20), true).message).toBe(
      `Binary frame has no header separator within ${DEFAULT_MAX_HEADER} bytes`,
    );
  });
});

describe('decodeFrame inputs and byte positions', () => {
  const header = '{"type":"response","seq":1,"request_seq":1,"success":true,"arguments":{"k":1}}';

  it('splits a binary frame at the first newline: payload starts one byte after it, later newlines kept', () => {
    const payload = Buffer.from('\nA\nB\n');
    const frame = Buffer.concat([Buffer.from(`${header}\n`), payload]);
    const dec = decodeFrame(frame, true);
    expect(dec.ok).toBe(true);
    if (!dec.ok) return;
    const data = (dec.message as unknown as { arguments: { data: Buffer; k: number } }).arguments;
    expect(data.k).toBe(1);
    expect(Buffer.compare(data.data, payload)).toBe(0);
    expect(data.data.byteOffset - frame.byteOffset).toBe(header.length + 1);
  });

  it('accepts a Uint8Array view, an ArrayBuffer and a list of fragments alike', () => {
    const frame = Buffer.from(`xx${header}\nPAY`);
    const view = new Uint8Array(frame.buffer, frame.byteOffset + 2, frame.length - 2);
    const arrayBuffer = view.slice().buffer;
    const fragments = [view.subarray(0, 10), view.subarray(10)];
    for (const input of [view, arrayBuffer, fragments]) {
      const dec = decodeFrame(input, true);
      expect(dec.ok && Buffer.from((dec.message as { arguments: { data: Uint8Array } }).arguments.data).toString()).toBe('PAY');
    }
    // Not binary: the newline does not split a text frame.
    const text = decodeFrame(Buffer.from(`${header}\n`), false);
    expect(text.ok && (text.message as { arguments: object }).arguments).toEqual({ k: 1 });
    expect(decodeFrame(new TextEncoder().encode(header).buffer, false).ok).toBe(true);
  });

  it('a binary frame without arguments gets an object holding only the payload', () => {
    const dec = decodeFrame(Buffer.from('{"type":"event","seq":1,"event":"e"}\nZ'), true);
    expect(dec.ok && (dec.message as { arguments: object }).arguments).toEqual({ data: Buffer.from('Z') });
  });
});

describe('encodeMessage', () => {
  it('puts the header, one newline and the payload parts in order, and counts every byte', () => {
    const msg = { type: 'request', seq: 3, command: 'c', arguments: { a: 1, data: 'é' } } as DAPRequest;
    const enc = encodeMessage(msg);
    expect(enc.binary).toBe(true);
    if (!enc.binary) return;
    const head = '{"type":"request","seq":3,"command":"c","arguments":{"a":1}}\n';
    expect(Buffer.from(enc.parts[0]!).toString()).toBe(head);
    expect(enc.parts).toHaveLength(2);
    expect(enc.byteLength).toBe(Buffer.byteLength(head) + 2);
    expect(joinParts(enc.parts).toString()).toBe(`${head}é`);
  });

  it('sends a non-byte value as its JSON text, and undefined as nothing', () => {
    const json = encodeMessage({ type: 'request', seq: 1, command: 'c', arguments: { data: { x: [1] } } } as unknown as DAPRequest);
    expect(json.binary && joinParts(json.parts.slice(1)).toString()).toBe('{"x":[1]}');
    const mixed = encodeMessage({ type: 'request', seq: 1, command: 'c', arguments: { data: [new Uint8Array([1]), 'x'] } } as unknown as DAPRequest);
    expect(mixed.binary && joinParts(mixed.parts.slice(1)).toString()).toBe('[{"0":1},"x"]');
    const none = encodeMessage({ type: 'request', seq: 1, command: 'c', arguments: { data: undefined } } as unknown as DAPRequest);
    expect(none.binary && none.parts.length === 2 && none.parts[1]!.byteLength).toBe(0);
  });

  it('encodes a message without data (or with null arguments) as one JSON text', () => {
    expect(encodeMessage({ type: 'request', seq: 1, command: 'c', arguments: { a: 1 } })).toEqual({
      binary: false,
      text: '{"type":"request","seq":1,"command":"c","arguments":{"a":1}}',
    });
    const nullArgs = { type: 'request', seq: 1, command: 'c', arguments: null } as unknown as DAPRequest;
    expect(encodeMessage(nullArgs)).toEqual({ binary: false, text: JSON.stringify(nullArgs) });
    const inherited = { type: 'request', seq: 1, command: 'c', arguments: Object.create({ data: 'x' }) } as DAPRequest;
    expect(encodeMessage(inherited).binary).toBe(false);
  });
});
