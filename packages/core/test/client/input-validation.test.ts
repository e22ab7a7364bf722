import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();

/** The error a call throws or rejects with. */
async function failure(call: () => unknown): Promise<ValidationError> {
  return Promise.resolve()
    .then(call)
    .then(
      () => {
        throw new Error('expected a ValidationError, the call succeeded');
      },
      (e: unknown) => e as ValidationError,
    );
}

const MAX = 2147483647;
type Case = [label: string, value: unknown, code: string, message: string];

describe('new RocketRideClient(options): every option checked before any socket is opened (issue 9, bug 9)', () => {
  const cases: Case[] = [
    ['options: null', null, 'ERR_INVALID_OPTION', 'options must be an object (got null)'],
    ["options: 'x'", 'x', 'ERR_INVALID_OPTION', 'options must be an object (got a string)'],
    ['options: []', [], 'ERR_INVALID_OPTION', 'options must be an object (got an array)'],
    ['auth: 123', { auth: 123 }, 'ERR_INVALID_OPTION', 'options.auth must be a string (got 123)'],
    ["persist: 'yes'", { persist: 'yes' }, 'ERR_INVALID_OPTION', 'options.persist must be true or false (got a string)'],
    ['connectTimeout: -1', { connectTimeout: -1 }, 'ERR_INVALID_OPTION', `options.connectTimeout (ms) must be an integer from 1 to ${MAX} (got -1)`],
    ['connectTimeout: 0', { connectTimeout: 0 }, 'ERR_INVALID_OPTION', `options.connectTimeout (ms) must be an integer from 1 to ${MAX} (got 0)`],
    ['connectTimeout: 2 ** 31', { connectTimeout: 2 ** 31 }, 'ERR_INVALID_OPTION', `options.connectTimeout (ms) must be an integer from 1 to ${MAX} (got 2147483648)`],
    ['requestTimeout: NaN', { requestTimeout: Number.NaN }, 'ERR_INVALID_OPTION', `options.requestTimeout (ms) must be an integer from 0 to ${MAX} (got NaN)`],
    ['reconnectDelay: Infinity', { reconnectDelay: Number.POSITIVE_INFINITY }, 'ERR_INVALID_OPTION', `options.reconnectDelay (ms) must be an integer from 1 to ${MAX} (got Infinity)`],
    ["maxReconnectDelay: '5'", { maxReconnectDelay: '5' }, 'ERR_INVALID_OPTION', `options.maxReconnectDelay (ms) must be an integer from 1 to ${MAX} (got a string)`],
    ['keepaliveInterval: 1.5', { keepaliveInterval: 1.5 }, 'ERR_INVALID_OPTION', `options.keepaliveInterval (ms) must be an integer from 0 to ${MAX} (got 1.5)`],
    ['keepaliveTimeout <= keepaliveInterval', { keepaliveInterval: 30_000, keepaliveTimeout: 30_000 }, 'ERR_INVALID_OPTION', 'options.keepaliveTimeout (30000 ms) must be longer than options.keepaliveInterval (30000 ms)'],
    ['maxRetryTime: -5', { maxRetryTime: -5 }, 'ERR_INVALID_OPTION', `options.maxRetryTime (ms) must be an integer from 0 to ${Number.MAX_SAFE_INTEGER} (got -5)`],
    ['maxPayload: 0', { maxPayload: 0 }, 'ERR_INVALID_OPTION', `options.maxPayload (bytes) must be an integer from 1 to ${Number.MAX_SAFE_INTEGER} (got 0)`],
    ["perMessageDeflate: 'no'", { perMessageDeflate: 'no' }, 'ERR_INVALID_OPTION', 'options.perMessageDeflate must be true or false (got a string)'],
    ['clientName: 7', { clientName: 7 }, 'ERR_INVALID_OPTION', 'options.clientName must be a string (got 7)'],
    ["wsPath: ''", { wsPath: '' }, 'ERR_INVALID_OPTION', 'options.wsPath must be a non-empty string (got an empty string)'],
    ['env: null', { env: null }, 'ERR_INVALID_OPTION', 'options.env must be an object of strings (got null)'],
    ['env value: 5', { env: { ROCKETRIDE_TEAM: 5 } }, 'ERR_INVALID_OPTION', 'options.env.ROCKETRIDE_TEAM must be a string (got 5)'],
    ["onEvent: 'x'", { onEvent: 'x' }, 'ERR_INVALID_OPTION', 'options.onEvent must be a function (got a string)'],
    ['uri: 5', { uri: 5 }, 'ERR_INVALID_URI', 'options.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got 5)'],
  ];

  it.each(cases)('%s', async (_label, options, code, message) => {
    const engine = await h.engine();
    // Pointed at a live engine (unless the case replaces uri), which must see nothing.
    const full = typeof options === 'object' && options !== null && !Array.isArray(options) ? { uri: engine.uri, auth: 'K', ...options } : options;
    const error = await failure(() => new RocketRideClient(full as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(engine.connectionCount()).toBe(0);
    expect(engine.requests()).toEqual([]);
  });
});

describe('command entry points: a bad argument is a coded ValidationError and nothing is sent (issue 9, bug 9)', () => {
  it('every case rejects with its code and message; the engine receives nothing', async () => {
    const { engine, client } = await h.connected();
    const signal = 'x' as never;
    const cases: Array<[() => unknown, string, string]> = [
      [() => client.connect(123 as never), 'ERR_INVALID_ARGUMENT', 'connect(): credential must be a string or { code, verifier, redirectUri } (got 123)'],
      [() => client.connect(undefined, { signal }), 'ERR_INVALID_ARGUMENT', 'connect() options.signal must be an AbortSignal (got a string)'],
      [() => client.connect(undefined, null as never), 'ERR_INVALID_ARGUMENT', 'connect() options must be an object (got null)'],
      [() => client.login('K', { signal: 5 as never }), 'ERR_INVALID_ARGUMENT', 'login() options.signal must be an AbortSignal (got 5)'],
      [() => client.request('', {}), 'ERR_INVALID_ARGUMENT', 'request(): command must be a non-empty string (got an empty string)'],
      [() => client.request('rrext_ping', null as never), 'ERR_INVALID_ARGUMENT', 'request(): arguments must be an object (got null)'],
      [() => client.request('rrext_ping', {}, { timeout: -1 }), 'ERR_INVALID_ARGUMENT', 'request() options.timeout (ms) must be an integer from 0 to 2147483647 (got -1)'],
      [() => client.request('rrext_ping', {}, { signal: {} as never }), 'ERR_INVALID_ARGUMENT', 'request() options.signal must be an AbortSignal (got an object)'],
      [() => client.dapRequest('rrext_ping', [] as never), 'ERR_INVALID_ARGUMENT', 'request(): arguments must be an object (got an array)'],
      [() => client.ping({ timeout: Number.NaN }), 'ERR_INVALID_ARGUMENT', 'ping() options.timeout (ms) must be an integer from 0 to 2147483647 (got NaN)'],
      [() => client.getServices({ signal }), 'ERR_INVALID_ARGUMENT', 'getServices() options.signal must be an AbortSignal (got a string)'],
      [() => client.getService('webhook', null as never), 'ERR_INVALID_ARGUMENT', 'getService() options must be an object (got null)'],
      [() => client.validate({ pipeline: 5 } as never), 'ERR_INVALID_PIPELINE', 'validate(): pipeline.pipeline must be a JSON object (got 5)'],
      [() => client.validate(ECHO_PIPELINE, { source: 7 as never }), 'ERR_INVALID_ARGUMENT', 'validate(): source must be a non-empty string (got 7)'],
      [() => client.validate(ECHO_PIPELINE, { signal }), 'ERR_INVALID_ARGUMENT', 'validate() options.signal must be an AbortSignal (got a string)'],
      [() => client.setEvents('T', [''] as never), 'ERR_INVALID_ARGUMENT', 'setEvents(): types must be an array of event type names (got an array)'],
      [() => client.setEvents('T', ['SUMMARY'], { signal }), 'ERR_INVALID_ARGUMENT', 'setEvents() options.signal must be an AbortSignal (got a string)'],
      [() => client.addMonitor({ token: 'T', projectId: 'p', source: 's' } as never, ['SUMMARY']), 'ERR_INVALID_ARGUMENT', 'addMonitor(): the key must be { token } or { projectId, source }, not both'],
      [() => client.addMonitor({ token: 'T' }, 'SUMMARY' as never), 'ERR_INVALID_ARGUMENT', 'addMonitor(): types must be an array of event type names (got a string)'],
      [() => client.addMonitor({ token: 'T' }, ['SUMMARY'], { signal }), 'ERR_INVALID_ARGUMENT', 'addMonitor() options.signal must be an AbortSignal (got a string)'],
      [() => client.removeMonitor(null as never, ['SUMMARY']), 'ERR_INVALID_ARGUMENT', 'removeMonitor(): the key must be { token } or { projectId, source } (got null)'],
      [() => client.use(null as never), 'ERR_INVALID_ARGUMENT', 'use() needs an options object with filepath or pipeline (got null)'],
      [() => client.use({ pipeline: [] as never }), 'ERR_INVALID_PIPELINE', 'use(): pipeline must be a JSON object (got an array)'],
      [() => client.use({ filepath: 42 as never }), 'ERR_INVALID_PIPELINE', 'use(): give pipeline, or filepath as a non-empty string (got 42)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, threads: 0 }), 'ERR_INVALID_ARGUMENT', 'use(): threads must be an integer from 1 to 1024 (got 0)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, threads: 5000 }), 'ERR_INVALID_ARGUMENT', 'use(): threads must be an integer from 1 to 1024 (got 5000)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, ttl: -1 }), 'ERR_INVALID_ARGUMENT', 'use(): ttl (s) must be an integer from 0 to 2147483647 (got -1)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, useExisting: 'yes' as never }), 'ERR_INVALID_ARGUMENT', 'use(): useExisting must be true or false (got a string)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, args: 'x' as never }), 'ERR_INVALID_ARGUMENT', 'use(): args must be an array of strings (got a string)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, pipelineTraceLevel: 'all' as never }), 'ERR_INVALID_ARGUMENT', 'use(): pipelineTraceLevel must be one of none, metadata, summary, full (got a string)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, env: { ROCKETRIDE_X: 5 as never } }), 'ERR_INVALID_ARGUMENT', 'use(): env.ROCKETRIDE_X must be a string (got 5)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, name: 42 as never }), 'ERR_INVALID_ARGUMENT', 'use(): name must be a string (got 42)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, token: 42 as never }), 'ERR_INVALID_ARGUMENT', 'use(): token must be a non-empty string (got 42)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, source: '' }), 'ERR_INVALID_ARGUMENT', 'use(): source must be a non-empty string (got an empty string)'],
      [() => client.use({ pipeline: ECHO_PIPELINE, signal }), 'ERR_INVALID_ARGUMENT', 'use() options.signal must be an AbortSignal (got a string)'],
      [() => client.terminate(42 as never), 'ERR_INVALID_ARGUMENT', 'terminate(): token must be a non-empty string'],
      [() => client.terminate('T', { signal }), 'ERR_INVALID_ARGUMENT', 'terminate() options.signal must be an AbortSignal (got a string)'],
      [() => client.getTaskStatus('T', { timeout: -1 }), 'ERR_INVALID_ARGUMENT', 'getTaskStatus() options.timeout (ms) must be an integer from 0 to 2147483647 (got -1)'],
      [() => client.restart(null as never), 'ERR_INVALID_ARGUMENT', 'restart() needs an options object (got null)'],
      [() => client.restart({}), 'ERR_INVALID_ARGUMENT', 'restart() needs a token, or a projectId and a source to look it up'],
      [() => client.restart({ token: 'T', pipeline: 5 as never }), 'ERR_INVALID_PIPELINE', 'restart(): pipeline must be a JSON object (got 5)'],
      [() => client.restart({ token: 'T', signal }), 'ERR_INVALID_ARGUMENT', 'restart() options.signal must be an AbortSignal (got a string)'],
      [() => client.getTaskToken({ projectId: 'p' } as never), 'ERR_INVALID_ARGUMENT', 'getTaskToken(): source must be a non-empty string (got undefined)'],
      [() => client.getTaskPipeline('T', { signal }), 'ERR_INVALID_ARGUMENT', 'getTaskPipeline() options.signal must be an AbortSignal (got a string)'],
      [() => client.getTasks(null as never), 'ERR_INVALID_ARGUMENT', 'getTasks() options must be an object (got null)'],
      [() => client.setConnectionParams(null as never), 'ERR_INVALID_ARGUMENT', 'setConnectionParams() needs an object (got null)'],
      [() => client.setConnectionParams({ auth: 5 as never }), 'ERR_INVALID_ARGUMENT', 'setConnectionParams(): auth must be a string (got 5)'],
    ];
    const before = engine.requests().length;
    for (const [call, code, message] of cases) {
      const error = await failure(call);
      expect(error, message).toBeInstanceOf(ValidationError);
      expect({ code: error.code, message: error.message }).toEqual({ code, message });
    }
    expect(engine.requests().length).toBe(before);
    expect(engine.connectionCount()).toBe(1);
    await client.ping(); // the connection is untouched
  });

  it('connect() with a bad signal opens no socket; getServerInfo() with one opens no probe socket', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    for (const call of [() => client.connect(undefined, { signal: 'x' as never }), () => client.getServerInfo({ signal: 'x' as never })]) {
      const error = await failure(call);
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toMatch(/^(connect|getServerInfo)\(\) options\.signal must be an AbortSignal \(got a string\)$/);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.connectionCount()).toBe(0);
    expect(engine.requests()).toEqual([]);
  });
});
