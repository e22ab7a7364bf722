// RocketRideClient.getServerInfo(uri) (static, issue 13): an attach-only probe on a temporary connection.
import { describe, expect, it } from 'vitest';
import { RocketRideClient } from '../../src/client/client.js';
import { TimeoutError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('RocketRideClient.getServerInfo(uri)', () => {
  it('probes without a credential: no auth frame arrives, and the temporary socket is closed', async () => {
    const engine = await h.engine({ apiKey: 'K' });
    const info = await RocketRideClient.getServerInfo(engine.uri);
    expect(info.capabilities).toEqual(['oss']);
    expect(typeof info.platform).toBe('string');
    expect(engine.requests().map((r) => r.command)).toEqual(['rrext_public_probe']);
    await until(() => engine.connectionCount() === 0, 'the temporary socket to close');
  });

  it('takes the address as users write it (host:port)', async () => {
    const engine = await h.engine();
    const hostPort = engine.uri.replace(/^ws:\/\//, '').replace(/\/task\/service$/, '');
    const info = await RocketRideClient.getServerInfo(hostPort);
    expect(info.capabilities).toEqual(['oss']);
  });

  it('options.timeout bounds the reply (ERR_TIMEOUT)', async () => {
    const engine = await h.engine();
    engine.faults.withholdResponse('rrext_public_probe');
    const error = await RocketRideClient.getServerInfo(engine.uri, { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(engine.requests().map((r) => r.command)).toEqual(['rrext_public_probe']);
    await until(() => engine.connectionCount() === 0, 'the temporary socket to close');
  });

  for (const [name, uri, options, code, message] of [
    ['a uri that is not a string', 5, undefined, 'ERR_INVALID_URI', 'RocketRideClient.getServerInfo(): uri must be a non-empty engine address (got 5)'],
    ['an empty uri', '', undefined, 'ERR_INVALID_URI', 'RocketRideClient.getServerInfo(): uri must be a non-empty engine address (got an empty string)'],
    ['a negative timeout', 'ENGINE', { timeout: -1 }, 'ERR_INVALID_ARGUMENT', 'RocketRideClient.getServerInfo() options.timeout (ms) must be an integer from 0 to 2147483647 (got -1)'],
    ['a signal that is not an AbortSignal', 'ENGINE', { signal: {} }, 'ERR_INVALID_ARGUMENT', 'RocketRideClient.getServerInfo() options.signal must be an AbortSignal (got an object)'],
  ] as const) {
    it(`${name} → ${code}, nothing sent`, async () => {
      const engine = await h.engine();
      const error = await RocketRideClient.getServerInfo((uri === 'ENGINE' ? engine.uri : uri) as never, options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code, message });
      await new Promise((r) => setTimeout(r, 20));
      expect(engine.connectionCount()).toBe(0);
      expect(engine.requests()).toEqual([]);
    });
  }
});
