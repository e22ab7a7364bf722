// RocketRideClient.normalizeUri (static, issue 13): the official SDK's http(s)://host:port form, PROTOCOL.md §1.2 steps 1–2.
import { describe, expect, it } from 'vitest';
import { RocketRideClient } from '../client/client.js';
import { ValidationError } from '../errors/validation-error.js';

describe('RocketRideClient.normalizeUri', () => {
  it.each([
    ['localhost', 'http://localhost:5565'],
    ['  my-server:8080 ', 'http://my-server:8080'],
    ['http://h:5565/x?y=1#z', 'http://h:5565'],
    ['https://example.com', 'https://example.com:5565'],
    ['https://example.com:443', 'https://example.com'],
    ['http://example.com:80', 'http://example.com'],
    ['wss://cloud.rocketride.ai', 'wss://cloud.rocketride.ai'],
    ['https://cloud.rocketride.ai:80', 'https://cloud.rocketride.ai:80'],
    ['ws://user:pw@h', 'ws://h:5565'],
    ['[::1]', 'http://[::1]:5565'],
    ['http://[::1]:7000/p', 'http://[::1]:7000'],
  ])('%s → %s', (input, expected) => {
    expect(RocketRideClient.normalizeUri(input)).toBe(expected);
  });

  it.each([
    [42, 'normalizeUri(): the engine URI must be a non-empty string (got number)'],
    ['   ', 'normalizeUri(): the engine URI must be a non-empty string (got an empty string)'],
    ['http://', 'Invalid engine URI: "http://"'],
  ])('%j → ValidationError ERR_INVALID_URI', (input, message) => {
    const error = (() => {
      try {
        RocketRideClient.normalizeUri(input as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_URI', message });
  });

  it('differs from the address the client connects to, which is the WebSocket form', () => {
    const client = new RocketRideClient({ uri: 'localhost', env: {} });
    expect(client.getConnectionInfo().uri).toBe('ws://localhost:5565/task/service');
    expect(RocketRideClient.normalizeUri('localhost')).toBe('http://localhost:5565');
  });
});
