import { inspect } from 'node:util';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import type { DAPMessage } from '../../src/codec/types.js';
import { AuthenticationError, type ErrorCode, RocketRideError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import { startRawServer } from '../../src/test-helpers/raw-server.js';
import { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();

// A key no test data contains by accident: any occurrence in output is a leak.
const KEY = 'zz-fake-apikey-7f3a9c21e5';

/** Every way a value is commonly printed or serialised. */
function renderings(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    String(JSON.stringify(value)),
  ];
}

function expectNoKey(label: string, value: unknown): void {
  for (const text of renderings(value)) expect(text, label).not.toContain(KEY);
}

/** A client's own state, including what only `customInspect: false` would reveal. */
function expectClientClean(label: string, client: RocketRideClient): void {
  expectNoKey(label, client);
  expect(inspect(client, { customInspect: false, showHidden: true, depth: Number.POSITIVE_INFINITY }), label).not.toContain(KEY);
  expectNoKey(`${label}: env`, client.env);
  expectNoKey(`${label}: getConnectionInfo()`, client.getConnectionInfo());
}

/** A client whose output channels are all recorded. */
function recordedClient(engine: { uri: string }, options: Record<string, unknown>) {
  const output: string[] = [];
  const client = h.client(engine, {
    onProtocolMessage: (message: DAPMessage, direction) => output.push(direction, JSON.stringify(message), inspect(message, { depth: null })),
    onDebugMessage: (line) => output.push(line),
    onConnected: (result) => output.push(inspect(result, { showHidden: true }), JSON.stringify(result)),
    onConnectError: (error) => output.push(...renderings(error), error.message, String(error.stack)),
    ...options,
  });
  client.on('connected', (c) => output.push(...renderings(c)));
  client.on('protocolError', (e) => output.push(...renderings(e)));
  return { client, output };
}

describe('no credential in what the client prints (issue 9, bug 7)', () => {
  it('after connect in OSS mode (userToken = the key): inspect, JSON, env, getConnectionInfo, the result, protocol and debug output', async () => {
    const engine = await h.engine({ apiKey: undefined });
    for (const options of [{ auth: KEY }, { auth: undefined, env: { ROCKETRIDE_APIKEY: KEY } }]) {
      const { client, output } = recordedClient(engine, options);
      expectClientClean('before connect', client);
      const result = await client.connect();
      expect(result.userToken).toBe(KEY); // still readable by the caller who supplied it
      expectNoKey('connect() result', result);
      expectClientClean('after connect', client);
      expect(client.getConnectionInfo().connectResult?.userToken).toBe('***');
      expect(output.join('\n')).not.toContain(KEY);
      expect(output.length).toBeGreaterThan(4);
      await client.disconnect();
    }
    // The key was really sent (so the checks above looked at a session that used it).
    expect(engine.requests().filter((r) => r.command === 'auth').map((r) => r.arguments.auth)).toEqual([KEY, KEY]);
  });

  it('client.env keeps ROCKETRIDE_APIKEY readable but out of inspect, JSON, keys and spreads', () => {
    const client = new RocketRideClient({ uri: 'localhost', env: { ROCKETRIDE_APIKEY: KEY, ROCKETRIDE_TEAM: 'blue' } });
    expect(client.env.ROCKETRIDE_APIKEY).toBe(KEY);
    expect(Object.keys(client.env)).toEqual(['ROCKETRIDE_TEAM']);
    expect({ ...client.env }).toEqual({ ROCKETRIDE_TEAM: 'blue' });
    expect(inspect(client.env, { showHidden: true })).toContain("ROCKETRIDE_APIKEY: '***'");
    expectNoKey('env', client.env);
  });

  it('after a refused auth: the AuthenticationError (message, stack, JSON, inspect) and every callback', async () => {
    const engine = await h.engine({ apiKey: 'the-right-key' });
    const { client, output } = recordedClient(engine, { auth: KEY });
    const error = (await client.connect().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expectNoKey('error', error);
    expect(`${error.message}\n${error.stack}`).not.toContain(KEY);
    expectClientClean('after the failure', client);
    expect(output.join('\n')).not.toContain(KEY);
  });

  it('after a persist-mode reconnect: the client, its session and the recorded output', async () => {
    const engine = await h.engine({ apiKey: undefined });
    const { client, output } = recordedClient(engine, { auth: KEY, persist: true, reconnectDelay: 5 });
    await client.connect();
    const reconnected = new Promise<void>((resolve) => client.on('connected', ({ generation }) => generation === 2 && resolve()));
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await reconnected;
    expect(client.generation).toBe(2);
    expectClientClean('after the reconnect', client);
    expect(output.join('\n')).not.toContain(KEY);
    expect(output.some((line) => line.startsWith('reconnect attempt'))).toBe(true);
  });

  it('an apaext_account event (a new identity, userToken = the key in OSS mode) reaches listeners without printing it', async () => {
    const server = await startRawServer();
    try {
      const seen: string[] = [];
      let token: unknown;
      const client = h.client({ uri: server.uri }, { auth: 'first', onEvent: (e) => seen.push(...renderings(e)) });
      client.on('event', (e) => {
        seen.push(...renderings(e));
        token = (e.body as { userToken?: unknown }).userToken;
      });
      await client.connect();
      // The redacted identity is one object while the identity does not change.
      const first = client.getConnectionInfo().connectResult;
      expect(client.getConnectionInfo().connectResult).toBe(first);
      const arrived = new Promise<void>((resolve) => client.once('event', () => resolve()));
      server.broadcast(JSON.stringify({ type: 'event', seq: 99, event: 'apaext_account', body: { userToken: KEY, userId: 'u2' } }));
      await arrived;
      expect(token).toBe(KEY);
      expect(seen.length).toBe(6);
      expect(seen.join('\n')).not.toContain(KEY);
      expect(seen.join('\n')).toContain('u2');
      expectClientClean('after the account event', client);
      expect(client.getConnectionInfo().connectResult).toEqual({ userToken: '***', userId: 'u2' });
      expect(client.getConnectionInfo().connectResult).not.toBe(first);
    } finally {
      await server.close();
    }
  });

  it('an error carrying a response or request with credentials shows them redacted, and keeps them for code that asks', () => {
    const response = { command: 'auth', success: true, body: { userToken: KEY, userId: 'u' }, arguments: { auth: KEY, clientName: 'x' } };
    const error = new RocketRideError('failed', { code: 'ERR_X' as ErrorCode, response, cause: new RocketRideError('inner', { response }) });
    expectNoKey('error', error);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'RocketRideError',
      code: 'ERR_X',
      message: 'failed',
      response: { command: 'auth', success: true, body: { userToken: '***', userId: 'u' }, arguments: { auth: '***', clientName: 'x' } },
    });
    expect(inspect(error, { showHidden: true })).toContain("userToken: '***'");
    expect(error.response).toBe(response);
  });
});

describe('a PKCE credential is a secret like the API key (issue 13)', () => {
  // Distinctive values: any occurrence in output is a leak. The cd_ form (base64 of the JSON) carries both.
  const CODE = 'zz-pkce-code-31f0c9';
  const VERIFIER = 'zz-pkce-verifier-8d2e44';
  const pkce = { code: CODE, verifier: VERIFIER, redirectUri: 'http://127.0.0.1:4000/cb' };
  const encoded = `cd_${Buffer.from(JSON.stringify(pkce)).toString('base64')}`;
  const leaks = (text: string) => [CODE, VERIFIER, encoded.slice(3)].filter((secret) => text.includes(secret));

  it('accepted (OSS, no API key): inspect, JSON, getConnectionInfo, the result, protocol and debug output', async () => {
    const engine = await h.engine({ apiKey: undefined });
    const { client, output } = recordedClient(engine, { auth: undefined });
    const result = await client.connect(pkce);
    const shown = [
      ...renderings(client),
      inspect(client, { customInspect: false, showHidden: true, depth: Number.POSITIVE_INFINITY }),
      ...renderings(client.getConnectionInfo()),
      ...renderings(result),
      ...output,
    ].join('\n');
    expect(leaks(shown)).toEqual([]);
    expect(output.length).toBeGreaterThan(4);
    // It was really sent, and the engine's userToken (the credential itself in OSS mode) stays readable to the caller.
    expect(engine.requests().find((r) => r.command === 'auth')!.arguments.auth).toBe(encoded);
    expect(result.userToken).toBe(encoded);
  });

  it('refused (an API key is set): the AuthenticationError and every callback', async () => {
    const engine = await h.engine({ apiKey: 'the-right-key' });
    const { client, output } = recordedClient(engine, { auth: undefined });
    const error = (await client.connect(pkce).catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(leaks([...renderings(error), error.message, String(error.stack), ...renderings(client), ...output].join('\n'))).toEqual([]);
  });

  it('an invalid one: the ValidationError names the field, never a value', async () => {
    const client = h.client({ uri: 'ws://127.0.0.1:9/task/service' }, { auth: undefined });
    const error = (await client.login({ code: CODE, verifier: VERIFIER, redirectUri: 7 } as never).catch((e: unknown) => e)) as ValidationError;
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'login(): a PKCE credential needs redirectUri as a non-empty string (got 7)' });
    expect(leaks([...renderings(error), String(error.stack)].join('\n'))).toEqual([]);
  });

  it('a verifier field in an error response is redacted', () => {
    const error = new RocketRideError('failed', { code: 'ERR_X' as ErrorCode, response: { arguments: { verifier: VERIFIER, codeVerifier: VERIFIER } } });
    expect(leaks(renderings(error).join('\n'))).toEqual([]);
    expect(JSON.parse(JSON.stringify(error)).response).toEqual({ arguments: { verifier: '***', codeVerifier: '***' } });
  });
});

describe('${ROCKETRIDE_APIKEY} in a pipeline', () => {
  it('is not filled in by the client, so the key is neither sent with execute nor stored with the task', async () => {
    const engine = await h.engine({ apiKey: undefined });
    const client = h.client(engine, { auth: undefined, env: { ROCKETRIDE_APIKEY: KEY, ROCKETRIDE_TEAM: 'blue' } });
    await client.connect();
    const pipeline = { ...ECHO_PIPELINE, description: 'key ${ROCKETRIDE_APIKEY}, team ${ROCKETRIDE_TEAM}' };
    const { token } = await client.use({ pipeline });
    const execute = engine.requests().find((r) => r.command === 'execute')!;
    expect((execute.arguments.pipeline as { description: string }).description).toBe('key ${ROCKETRIDE_APIKEY}, team blue');
    expect(JSON.stringify(execute.arguments)).not.toContain(KEY);
    expect(JSON.stringify(await client.getTaskPipeline(token))).not.toContain(KEY);
  });
});

describe('no silent fallback to the cloud endpoint', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['uri: null', { uri: null }, 'options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got null)'],
    ["uri: ''", { uri: '' }, 'options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got an empty string)'],
    ["uri: '  '", { uri: '  ' }, 'options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got an empty string)'],
    ['uri: 5', { uri: 5 }, 'options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got 5)'],
    ["ROCKETRIDE_URI=''", { env: { ROCKETRIDE_URI: ' ' } }, 'ROCKETRIDE_URI is set but empty: set it to the engine address, or unset it'],
  ];
  it.each(cases)('%s is a ValidationError (ERR_INVALID_URI) from the constructor, with the key configured', (_label, options, message) => {
    const error = (() => {
      try {
        new RocketRideClient({ auth: KEY, env: { ROCKETRIDE_APIKEY: KEY }, ...options });
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('ERR_INVALID_URI');
    expect(error.message).toBe(message);
    expectNoKey('error', error);
  });

  it('setConnectionParams({ uri: null | "" }) is refused and keeps the address', () => {
    const client = new RocketRideClient({ uri: 'localhost:1', auth: KEY, env: {} });
    for (const uri of [null, '']) {
      const error = (() => {
        try {
          client.setConnectionParams({ uri: uri as never });
        } catch (e) {
          return e;
        }
      })() as ValidationError;
      expect(error.code).toBe('ERR_INVALID_URI');
      expect(error.message).toMatch(/^setConnectionParams\(\): uri must be a non-empty engine address/);
    }
    expect(client.getConnectionInfo().uri).toBe('ws://localhost:1/task/service');
  });
});
