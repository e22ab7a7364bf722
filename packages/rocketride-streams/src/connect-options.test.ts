import { inspect } from 'node:util';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { RocketRide } from './client.js';
import { connect } from './connect.js';
import { ValidationError } from './index.js';

let engine: Engine | undefined;
let client: RocketRide | undefined;
afterEach(async () => {
  await client?.disconnect();
  await engine?.close();
  client = undefined;
  engine = undefined;
});

const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
/** Waits until the listeners of earlier tests' engines are gone, so a new one would show. */
async function noServers(): Promise<void> {
  for (let i = 0; i < 200 && servers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(servers()).toBe(0);
}
const MAX = 2147483647;

describe('connect(options): bad options are a coded ValidationError before anything starts (issue 9, bug 9)', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['options: null', null, 'ERR_INVALID_OPTION', 'connect() options must be an object (got null)'],
    ['auth: 123', { auth: 123 }, 'ERR_INVALID_OPTION', 'connect() options.auth must be a string (got 123)'],
    ['uri: 5', { uri: 5 }, 'ERR_INVALID_URI', 'connect() options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got 5)'],
    ['uri: null', { uri: null }, 'ERR_INVALID_URI', 'connect() options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got null)'],
    ["uri: ''", { uri: '' }, 'ERR_INVALID_URI', 'connect() options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got an empty string)'],
    ["persist: 'yes'", { persist: 'yes' }, 'ERR_INVALID_OPTION', 'connect() options.persist must be true or false (got a string)'],
    ['connectTimeout: -1', { connectTimeout: -1 }, 'ERR_INVALID_OPTION', `connect() options.connectTimeout (ms) must be an integer from 1 to ${MAX} (got -1)`],
    ['requestTimeout: NaN', { requestTimeout: Number.NaN }, 'ERR_INVALID_OPTION', `connect() options.requestTimeout (ms) must be an integer from 0 to ${MAX} (got NaN)`],
    ["signal: 'x'", { signal: 'x' }, 'ERR_INVALID_OPTION', 'connect() options.signal must be an AbortSignal (got a string)'],
    ["embedded: 'yes'", { embedded: 'yes' }, 'ERR_INVALID_OPTION', 'connect() options.embedded must be true, false or simulator options (got a string)'],
    ['embedded: null', { embedded: null }, 'ERR_INVALID_OPTION', 'connect() options.embedded must be true, false or simulator options (got null)'],
  ];

  it.each(cases)('%s, with a configured engine: nothing reaches it', async (_label, options, code, message) => {
    engine = await startEngine({ apiKey: 'K' });
    const full = typeof options === 'object' && options !== null ? { uri: engine.uri, auth: 'K', env: {}, ...options } : options;
    const error = (await connect(full as never).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
    expect(engine.connectionCount()).toBe(0);
    expect(engine.requests()).toEqual([]);
  });

  it.each(cases)('%s, with embedded: true: no simulator is started and no warning given', async (_label, options, code, message) => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await noServers();
      const full = typeof options === 'object' && options !== null ? { embedded: true, env: {}, ...options } : options;
      const error = (await connect(full as never).catch((e: unknown) => e)) as ValidationError;
      expect({ code: error.code, message: error.message }).toEqual({ code, message });
      await new Promise((r) => setImmediate(r));
      expect(servers()).toBe(0);
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('the façade client never shows a credential (issue 9, bug 7)', () => {
  it('util.inspect and JSON.stringify of a connected RocketRide, its env and getConnectionInfo()', async () => {
    const KEY = 'zz-facade-key-5b71d0e3';
    engine = await startEngine();
    client = await connect({ uri: engine.uri, env: { ROCKETRIDE_APIKEY: KEY } });
    expect(client.getConnectionInfo().connectResult?.userToken).toBe('***');
    for (const value of [client, client.env, client.getConnectionInfo(), await client.connect()]) {
      for (const text of [inspect(value, { depth: null }), inspect(value, { showHidden: true, depth: null }), JSON.stringify(value)]) {
        expect(text).not.toContain(KEY);
      }
    }
    expect(inspect(client, { customInspect: false, showHidden: true, depth: null })).not.toContain(KEY);
    expect(inspect(client)).toMatch(/^RocketRide \{/);
  });
});
