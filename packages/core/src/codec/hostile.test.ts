import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeFrame } from './decode.js';
import { validateMessage } from './validate.js';

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('decodeFrame on hostile frames', () => {
  it('drops "body": null and "arguments": null, so a consumer sees them absent', () => {
    const dec = decodeFrame('{"type":"response","seq":1,"request_seq":2,"command":"execute","success":true,"body":null,"arguments":null}', false);
    expect(dec).toEqual({ ok: true, message: { type: 'response', seq: 1, request_seq: 2, command: 'execute', success: true } });
    if (dec.ok) expect(Object.hasOwn(dec.message, 'body')).toBe(false);
  });

  it('puts the payload of a binary frame whose header has "arguments": null at arguments.data', () => {
    for (const validate of [true, false]) {
      const dec = decodeFrame(Buffer.from('{"type":"event","seq":1,"event":"e","arguments":null}\nxyz'), true, { validate });
      if (!dec.ok) throw dec.error;
      expect(Buffer.from((dec.message as unknown as { arguments: { data: Uint8Array } }).arguments.data).toString()).toBe('xyz');
    }
  });

  it('refuses a binary frame whose "arguments" cannot carry the payload, also without validation', () => {
    for (const args of ['"x"', '5', '[1]', 'true']) {
      for (const validate of [true, false]) {
        const dec = decodeFrame(Buffer.from(`{"type":"request","seq":1,"command":"c","arguments":${args}}\nxyz`), true, { validate });
        expect(dec.ok).toBe(false);
        if (dec.ok) continue;
        expect(dec.error).toBeInstanceOf(ProtocolError);
        expect(dec.error.code).toBe('ERR_FRAME_INVALID');
        expect(dec.error.message).toMatch(/"arguments" must be an object/);
      }
    }
  });

  it('names an unknown type without serialising it (a 20,000-deep type gives no RangeError)', () => {
    const dec = decodeFrame(`{"type":${deep(20_000)},"seq":1}`, false);
    expect(!dec.ok && [dec.error.code, dec.error.message]).toEqual(['ERR_FRAME_INVALID', 'unknown message type an object']);
    const long = decodeFrame(JSON.stringify({ type: 'x'.repeat(10_000), seq: 1 }), false);
    expect(!long.ok && long.error.message).toBe(`unknown message type "${'x'.repeat(40)}…"`);
  });

  it('keeps __proto__ keys as own data, never as a prototype', () => {
    const dec = decodeFrame('{"type":"event","seq":1,"event":"e","__proto__":{"x":1},"body":{"__proto__":{"polluted":1}}}', false);
    if (!dec.ok) throw dec.error;
    expect(Object.getPrototypeOf(dec.message)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((dec.message as { body?: object }).body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('validateMessage gives a coded result for any value, never a throw', () => {
    for (const v of [undefined, null, 1, 'x', [], () => 1, Symbol('s'), { type: Symbol('t') }, { type: 1n }]) {
      const r = validateMessage(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toMatch(/^ERR_FRAME_/);
    }
  });
});

const KEYS = ['type', 'seq', 'request_seq', 'event', 'command', 'success', 'message', 'body', 'arguments', '__proto__', 'constructor'];
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('response', 'event', 'request', null, 1, 1.5, -1));
/** JSON text of an envelope-like object of arbitrary fields (built as text, so `__proto__` stays a key). */
const envelopeText = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: 8 })
  .map((fields) => `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);

describe('decodeFrame never throws (seeded properties)', () => {
  it('on envelope-like JSON of arbitrary field types, text or binary: ok, or a coded ProtocolError', () => {
    fc.assert(
      fc.property(envelopeText, fc.boolean(), fc.uint8Array({ maxLength: 16 }), (text, binary, payload) => {
        const frame = binary ? Buffer.concat([Buffer.from(`${text}\n`), payload]) : text;
        for (const validate of [true, false]) {
          const dec = decodeFrame(frame, binary, { validate });
          if (!dec.ok) {
            expect(dec.error).toBeInstanceOf(ProtocolError);
            expect(dec.error.code).toMatch(/^ERR_FRAME_/);
            continue;
          }
          const m = dec.message as { body?: unknown; arguments?: unknown };
          if (validate) {
            // After validation body and arguments are absent or plain objects: safe to read fields of.
            for (const part of [m.body, m.arguments]) expect(part === undefined || (typeof part === 'object' && part !== null && !Array.isArray(part))).toBe(true);
          }
        }
      }),
      { seed: 9, numRuns: 1000 },
    );
  });

  it('on arbitrary JSON values and arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b))), fc.boolean(), (bytes, binary) => {
        const dec = decodeFrame(bytes, binary);
        if (!dec.ok) expect(dec.error.code).toMatch(/^ERR_FRAME_/);
      }),
      { seed: 10, numRuns: 1000 },
    );
  });
});
