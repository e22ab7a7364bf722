import { describe, expect, it } from 'vitest';
import { leadingScalars } from './partial-object.js';

const members = (text: string) => Object.fromEntries(leadingScalars(text));

describe('leadingScalars: the top-level scalars of a JSON object cut short or broken', () => {
  it('reads the members before the cut and skips nested values', () => {
    expect(members('{"type":"response","seq":1,"request_seq":7,"command":"x","success":true,"body":{')).toEqual({
      type: 'response',
      seq: 1,
      request_seq: 7,
      command: 'x',
      success: true,
    });
    expect(members(' { "a" : [1, {"b": "}"}], "c": null, "d": false, "e": -1.5e3, "f"')).toEqual({ c: null, d: false, e: -1500 });
  });

  it('decodes escapes in strings', () => {
    expect(members('{"k\\u0041":"a\\"b\\\\c\\n","x":')).toEqual({ kA: 'a"b\\c\n' });
  });

  it('never takes a value that may have been cut: a number, word or string at the very end', () => {
    expect(members('{"request_seq":12')).toEqual({});
    expect(members('{"success":tru')).toEqual({});
    expect(members('{"success":true')).toEqual({});
    expect(members('{"type":"resp')).toEqual({});
  });

  it('gives nothing for text that is not an object, or breaks before any member', () => {
    for (const text of ['', '[1,2]', '"x"', 'garbage', '{', '{"a"', '{"a":', '{"a" 1}', '{a:1}', '{"a":01,', '{"a":"\\q",']) {
      expect(members(text)).toEqual({});
    }
  });

  it('stops at the first broken member and keeps what came before it', () => {
    expect(members('{"type":"response","request_seq":3,"x":@@@,"y":1}')).toEqual({ type: 'response', request_seq: 3 });
    expect(members('{"a":1 "b":2}')).toEqual({ a: 1 });
    expect(members('{"a":{"b":[1,2}')).toEqual({});
  });
});
