import { describe, expect, it } from 'vitest';
import { EngineFailure } from '../failure.js';
import { isAtOrUnder, keyOf, normalizeStorePath, storageKey } from './paths.js';
import { pyJsonDumps, pyRepr, pyStr } from './pytext.js';

/** The message of the failure `fn` throws (and that it is an engine failure). */
function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineFailure);
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

describe('store path rules (PROTOCOL.md §16.B.4)', () => {
  it.each([
    ['a/b.txt', 'a/b.txt'],
    ['/a/b', 'a/b'],
    ['///a', 'a'],
    ['\\d\\f.txt', 'd/f.txt'],
    ['//d/./f', 'd/f'],
    ['/d//./f.txt', 'd/f.txt'],
    ['d/', 'd'],
    ['./d/.', 'd'],
    ['', ''],
    ['/', ''],
    ['.', ''],
    ['.hidden', '.hidden'],
    ['...', '...'],
    ['a b/ü %\'x', 'a b/ü %\'x'],
  ])('normalises %j to %j', (raw, normalized) => {
    expect(normalizeStorePath(raw)).toBe(normalized);
  });

  it.each([
    ['d/../x', 'Path traversal not allowed: d/../x'],
    ['..\\x', 'Path traversal not allowed: ../x'],
    ['/../x', 'Path traversal not allowed: ../x'],
    ['..', 'Path traversal not allowed: ..'],
    ['C:\\x', 'Path contains invalid characters: C:/x'],
    ['a*b', 'Path contains invalid characters: a*b'],
    ['a?b', 'Path contains invalid characters: a?b'],
    ['a<b', 'Path contains invalid characters: a<b'],
    ['a>b', 'Path contains invalid characters: a>b'],
    ['a|b', 'Path contains invalid characters: a|b'],
    ['a"b', 'Path contains invalid characters: a"b'],
    ['a:b', 'Path contains invalid characters: a:b'],
    ['a\u0001b', 'Path contains invalid characters: a\u0001b'],
    ['d/a\u001fb', 'Path contains invalid characters: d/a\u001fb'],
    ['/x\u0000', 'Path contains invalid characters: x\u0000'],
  ])('refuses %j with %j', (raw, message) => {
    expect(failureOf(() => normalizeStorePath(raw))).toBe(message);
  });

  it('checks traversal before invalid characters', () => {
    expect(failureOf(() => normalizeStorePath('a*/../b'))).toBe('Path traversal not allowed: a*/../b');
  });

  it.each([
    [undefined, "'NoneType' object has no attribute 'replace'"],
    [null, "'NoneType' object has no attribute 'replace'"],
    [5, "'int' object has no attribute 'replace'"],
    [1.5, "'float' object has no attribute 'replace'"],
    [true, "'bool' object has no attribute 'replace'"],
    [['a'], "'list' object has no attribute 'replace'"],
    [{ a: 1 }, "'dict' object has no attribute 'replace'"],
  ])('a path that is %j fails with the attribute error', (raw, message) => {
    expect(failureOf(() => normalizeStorePath(raw))).toBe(message);
  });

  it('places every path in the user namespace; the root is users/<id>/files', () => {
    expect(storageKey('local', '')).toBe('users/local/files');
    expect(keyOf('local', '/a/b')).toBe('users/local/files/a/b');
    expect(keyOf('other', 'a')).toBe('users/other/files/a');
    // No spelling leaves the namespace: traversal is refused, absolute paths are relative.
    expect(keyOf('local', '/users/x/files/a')).toBe('users/local/files/users/x/files/a');
  });

  it('isAtOrUnder matches the key and what lies below it, not siblings sharing a prefix', () => {
    expect(isAtOrUnder('users/local/files/d', 'users/local/files/d')).toBe(true);
    expect(isAtOrUnder('users/local/files/d/x', 'users/local/files/d')).toBe(true);
    expect(isAtOrUnder('users/local/files/dx', 'users/local/files/d')).toBe(false);
  });
});

describe('Python renderings', () => {
  it('json.dumps keeps key order, uses ", " and ": " and escapes non-ASCII', () => {
    expect(pyJsonDumps({ type: 'response', seq: 7, body: { size: 5 }, arguments: {} })).toBe(
      '{"type": "response", "seq": 7, "body": {"size": 5}, "arguments": {}}',
    );
    expect(pyJsonDumps({ s: 'é\u007f😀', n: null, a: [1, true, 0.5] })).toBe(
      '{"s": "\\u00e9\\u007f\\ud83d\\ude00", "n": null, "a": [1, true, 0.5]}',
    );
  });

  it('str() and repr() of JSON values', () => {
    expect(pyStr(null)).toBe('None');
    expect(pyStr(true)).toBe('True');
    expect(pyStr('x')).toBe('x');
    expect(pyStr(['a', 1])).toBe("['a', 1]");
    expect(pyStr({ k: "it's" })).toBe(`{'k': "it's"}`);
    expect(pyRepr("/tmp/a'b\"c")).toBe("'/tmp/a\\'b\"c'");
  });
});
