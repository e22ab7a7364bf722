import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { normalizeUri } from './uri.js';

// PROTOCOL.md §1.2, TypeScript SDK column.
const TABLE: Array<[string, string]> = [
  ['localhost', 'ws://localhost:5565/task/service'],
  ['my-server:8080', 'ws://my-server:8080/task/service'],
  ['http://h:5565/x?y=1', 'ws://h:5565/task/service'],
  ['https://example.com', 'wss://example.com:5565/task/service'],
  ['https://example.com:443', 'wss://example.com/task/service'],
  ['wss://cloud.rocketride.ai', 'wss://cloud.rocketride.ai/task/service'],
  ['https://cloud.rocketride.ai:80', 'wss://cloud.rocketride.ai:80/task/service'],
];

describe('normalizeUri (PROTOCOL.md §1.2)', () => {
  it.each(TABLE)('%s → %s', (input, expected) => {
    expect(normalizeUri(input)).toBe(expected);
  });

  it('trims, drops user info, fragment and query', () => {
    expect(normalizeUri('  ws://user:pw@h:1/p?q#f  ')).toBe('ws://h:1/task/service');
  });

  it('keeps IPv6 brackets, with and without a port', () => {
    expect(normalizeUri('[::1]:8080')).toBe('ws://[::1]:8080/task/service');
    expect(normalizeUri('[::1]')).toBe('ws://[::1]:5565/task/service');
    expect(normalizeUri('https://[2001:db8::1]:9000/x')).toBe('wss://[2001:db8::1]:9000/task/service');
  });

  it('maps every other scheme to ws, and honours wsPath', () => {
    expect(normalizeUri('ftp://h:21')).toBe('ws://h:21/task/service');
    expect(normalizeUri('h', '/models')).toBe('ws://h:5565/models');
  });

  it('rejects an empty or unparsable address with ERR_INVALID_URI', () => {
    for (const bad of ['', '   ', 'http://']) {
      const error = (() => {
        try {
          normalizeUri(bad);
        } catch (e) {
          return e;
        }
      })() as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.code).toBe('ERR_INVALID_URI');
    }
  });

  it('an unparsable address with user info is refused without its password, in the message or the cause', () => {
    for (const [bad, shown] of [
      ['ws://user:s3cret-pw@h:99999', '"ws://***@h:99999"'],
      ['user:s3cret-pw@[::1', '"***@[::1"'],
      ['http://user:s3cret-pw@/x', '"http://***@/x"'],
    ] as const) {
      const error = (() => {
        try {
          normalizeUri(bad);
        } catch (e) {
          return e;
        }
      })() as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect({ code: error.code, message: error.message }).toEqual({ code: 'ERR_INVALID_URI', message: expect.stringContaining(shown) });
      expect(inspect(error, { depth: null, showHidden: true })).not.toContain('s3cret');
    }
  });
});
