import { describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  PipeError,
  ProtocolError,
  RocketRideError,
  TimeoutError,
  ValidationError,
} from './index.js';
import { MAX_ERROR_MESSAGE } from './rocketride-error.js';

describe('error hierarchy', () => {
  it('sets name, default code, server details and cause', () => {
    const cause = new Error('socket');
    const e = new PipeError('Write pipe with id 3 has failed', {
      serverMessage: 'Write pipe with id 3 has failed',
      trace: { file: 'data_conn.py', lineno: 10 },
      command: 'rrext_process',
      cause,
      response: { success: false },
    });
    expect(e.name).toBe('PipeError');
    expect(e.code).toBe('ERR_PIPE');
    expect(e.cause).toBe(cause);
    expect(e.trace).toEqual({ file: 'data_conn.py', lineno: 10 });
    expect(e.dapResult).toEqual({ success: false });
    expect(Object.keys(e)).not.toContain('response');
    expect(new PipeError('x', { code: 'ERR_PIPE_OPEN' }).code).toBe('ERR_PIPE_OPEN');
  });

  it('keeps the subclass chain for instanceof', () => {
    const auth = new AuthenticationError('Invalid API key');
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth).toBeInstanceOf(ConnectionError);
    expect(auth).toBeInstanceOf(RocketRideError);
    expect(auth).toBeInstanceOf(Error);
    expect(auth).not.toBeInstanceOf(PipeError);
    expect(new ConnectionError('x')).not.toBeInstanceOf(AuthenticationError);
    for (const E of [PipeError, ValidationError, ProtocolError, TimeoutError, AbortError]) {
      expect(new E('x')).toBeInstanceOf(RocketRideError);
    }
    expect(new Error('plain')).not.toBeInstanceOf(RocketRideError);
    expect(null).not.toBeInstanceOf(RocketRideError);
  });

  it('recognises errors made by another copy of the package (same registered brands)', async () => {
    // A second copy of the module graph, as a duplicated install would load it.
    vi.resetModules();
    const other = await import('./index.js');
    expect(other.PipeError).not.toBe(PipeError);
    const foreign = new other.AuthenticationError('denied');
    expect(foreign).toBeInstanceOf(AuthenticationError);
    expect(foreign).toBeInstanceOf(ConnectionError);
    expect(foreign).not.toBeInstanceOf(PipeError);
    expect(new PipeError('x')).toBeInstanceOf(other.RocketRideError);
  });
});

describe('a very long message', () => {
  it('is cut to MAX_ERROR_MESSAGE characters with its length noted, never inside a surrogate pair; serverMessage stays whole', () => {
    const text = `${'a'.repeat(MAX_ERROR_MESSAGE - 1)}😀${'b'.repeat(10)}`;
    const error = new RocketRideError(text, { code: 'ERR_ROCKETRIDE', serverMessage: text });
    expect(error.message).toBe(`${'a'.repeat(MAX_ERROR_MESSAGE - 1)}… [message cut: ${text.length} characters in all]`);
    expect(error.serverMessage).toBe(text);
    expect(new RocketRideError('x'.repeat(MAX_ERROR_MESSAGE)).message).toBe('x'.repeat(MAX_ERROR_MESSAGE));
  });
});
