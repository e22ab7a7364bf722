import { inspect } from 'node:util';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { ConnectionError, ValidationError } from '@rocketride-streams/core';
import { describe, expect, it } from 'vitest';
import { connectPool, type PoolTask } from './index.js';
import { dataOps, useEngines } from './test-support/engines.js';

const h = useEngines();
const MAX = 2147483647;

async function refusal(run: () => unknown): Promise<{ code: string; message: string; error: unknown }> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  return { code: v.code, message: v.message, error };
}

describe('connectPool(): bad options are a coded ValidationError before any socket opens', () => {
  const cases: Array<[string, (uri: string, other: string) => unknown, string, string | ((uri: string) => string)]> = [
    ['options: null', () => null, 'ERR_INVALID_OPTION', 'connectPool() options must be an object (got null)'],
    ['engines: []', () => ({ engines: [] }), 'ERR_INVALID_OPTION', 'connectPool() options.engines must name at least one engine'],
    ['engines: 5', () => ({ engines: 5 }), 'ERR_INVALID_OPTION', 'connectPool() options.engines must be an array of engines or a comma-separated string (got 5)'],
    ["an empty address in 'a,,b'", (u, o) => ({ engines: `${u},,${o}` }), 'ERR_INVALID_URI', 'connectPool() options.engines[1] is an empty address'],
    ['engines: [{ uri: 5 }]', () => ({ engines: [{ uri: 5 }] }), 'ERR_INVALID_URI', 'connectPool() options.engines[0].uri must be a non-empty engine address (got 5)'],
    ['an engine with auth: 5', (u) => ({ engines: [{ uri: u, auth: 5 }] }), 'ERR_INVALID_OPTION', 'connectPool() options.engines[0].auth must be a string (got 5)'],
    ['an engine with an unknown field', (u) => ({ engines: [{ uri: u, port: 1 }] }), 'ERR_INVALID_OPTION', 'connectPool() options.engines[0] has an unknown field: port (an engine takes uri, auth and name)'],
    ["strategy: 'fastest'", (u) => ({ engines: [u], strategy: 'fastest' }), 'ERR_INVALID_OPTION', "connectPool() options.strategy must be 'least-pipes' or 'round-robin' (got a string)"],
    ['uri given', (u) => ({ engines: [u], uri: u }), 'ERR_INVALID_OPTION', 'connectPool() options.uri is not a pool option: name the engines with options.engines (or ROCKETRIDE_URI as a comma-separated list), not options.uri'],
    ['persist: false', (u) => ({ engines: [u], persist: false }), 'ERR_INVALID_OPTION', 'connectPool() options.persist is not a pool option: a pool always reconnects its engines (persist mode); leave options.persist out'],
    ['the same engine twice', (u) => ({ engines: [u, u] }), 'ERR_INVALID_OPTION', (u) => `connectPool() options.engines has the address ${u} twice`],
    ['two engines with one name', (u, o) => ({ engines: [{ uri: u, name: 'a' }, { uri: o, name: 'a' }] }), 'ERR_INVALID_OPTION', 'connectPool() options.engines names two engines a'],
    ['requestTimeout: -1', (u) => ({ engines: [u], requestTimeout: -1 }), 'ERR_INVALID_OPTION', `connectPool() options.requestTimeout (ms) must be an integer from 0 to ${MAX} (got -1)`],
    ["signal: 'x'", (u) => ({ engines: [u], signal: 'x' }), 'ERR_INVALID_OPTION', 'connectPool() options.signal must be an AbortSignal (got a string)'],
    ['no engines and no ROCKETRIDE_URI', () => ({}), 'ERR_INVALID_URI', 'connectPool() needs engines: give options.engines or set ROCKETRIDE_URI to a comma-separated list of addresses'],
  ];

  it.each(cases)('%s', async (_label, options, code, message) => {
    const [a, b] = await h.start(2);
    const given = options(a!.uri, b!.uri);
    const full = typeof given === 'object' && given !== null ? { auth: 'K', env: {}, ...given } : given;
    const got = await refusal(() => connectPool(full as never));
    expect({ code: got.code, message: got.message }).toEqual({ code, message: typeof message === 'function' ? message(a!.uri) : message });
    expect(a!.connectionCount() + b!.connectionCount()).toBe(0);
    expect([...a!.requests(), ...b!.requests()]).toEqual([]);
  });

  it('an unparsable engine address with user info is refused without its password (message, cause, inspect)', async () => {
    const [a] = await h.start(1);
    for (const engines of [['ws://user:s3cret-pw@127.0.0.1:99999'], [a!.uri, { uri: 'ws://user:s3cret-pw@[::1', name: 'b' }]]) {
      const got = await refusal(() => connectPool({ engines, auth: 'K', env: {} } as never));
      expect(got.code).toBe('ERR_INVALID_URI');
      expect(got.message).toMatch(/^Invalid engine URI: "ws:\/\/\*\*\*@/);
      expect(inspect(got.error, { depth: null, showHidden: true })).not.toContain('s3cret');
    }
    expect(a!.connectionCount()).toBe(0);
  });

  it('ROCKETRIDE_URI as a comma-separated list names the engines', async () => {
    const [a, b] = await h.start(2);
    const pool = h.keep(await connectPool({ auth: 'K', env: { ROCKETRIDE_URI: ` ${a!.uri} , ${b!.uri}` } }));
    expect(pool.engines).toEqual([a!.uri, b!.uri]);
    expect(pool.health().map((e) => e.connected)).toEqual([true, true]);
  });
});

describe('pool.use(), the PoolTask methods and pool.terminate(): bad arguments are coded errors and nothing is sent', () => {
  async function ready(): Promise<{ task: PoolTask; sent: () => number; executes: () => number; terminates: () => number; pool: Awaited<ReturnType<typeof connectPool>> }> {
    const engines = await h.start(2);
    const pool = h.keep(await connectPool({ engines: engines.map((e) => e.uri), auth: 'K', env: {} }));
    const task = await pool.use(ECHO_PIPELINE);
    return {
      task,
      pool,
      sent: () => engines.reduce((n, e) => n + dataOps(e).length, 0),
      executes: () => engines.reduce((n, e) => n + e.requests().filter((r) => r.command === 'execute').length, 0),
      terminates: () => engines.reduce((n, e) => n + e.requests().filter((r) => r.command === 'terminate').length, 0),
    };
  }

  const useCases: Array<[string, unknown, unknown, string, string]> = [
    ['pipeline: null', null, {}, 'ERR_INVALID_PIPELINE', 'pool.use() pipeline must be a pipeline object or the path of a pipeline file (got null)'],
    ["pipeline: ''", '', {}, 'ERR_INVALID_PIPELINE', 'pool.use() pipeline must be a pipeline object or the path of a pipeline file (got an empty string)'],
    ['replicas: 0', ECHO_PIPELINE, { replicas: 0 }, 'ERR_INVALID_OPTION', "pool.use() options.replicas must be 'all' or an integer from 1 to 2, the number of engines (got 0)"],
    ['replicas: 3 of 2 engines', ECHO_PIPELINE, { replicas: 3 }, 'ERR_INVALID_OPTION', "pool.use() options.replicas must be 'all' or an integer from 1 to 2, the number of engines (got 3)"],
    ['threads: 0', ECHO_PIPELINE, { threads: 0 }, 'ERR_INVALID_OPTION', 'pool.use() options.threads must be an integer from 1 to 4096 (got 0)'],
    ["useExisting: 'yes'", ECHO_PIPELINE, { useExisting: 'yes' }, 'ERR_INVALID_OPTION', 'pool.use() options.useExisting must be true or false (got a string)'],
    ['token: 5', ECHO_PIPELINE, { token: 5 }, 'ERR_INVALID_OPTION', 'pool.use() options.token must be a non-empty string (got 5)'],
    ["options: 'x'", ECHO_PIPELINE, 'x', 'ERR_INVALID_OPTION', 'pool.use() options must be an object (got a string)'],
    ['a pipeline in the options', ECHO_PIPELINE, { pipeline: {} }, 'ERR_INVALID_OPTION', 'pool.use() takes the pipeline as its first argument, not in options'],
  ];
  it.each(useCases)('use(): %s', async (_label, pipeline, options, code, message) => {
    const { pool, executes } = await ready();
    const before = executes();
    const got = await refusal(() => pool.use(pipeline as never, options as never));
    expect({ code: got.code, message: got.message }).toEqual({ code, message });
    expect(executes()).toBe(before);
  });

  const fileCases: Array<[string, unknown, unknown, string, string]> = [
    ["files: 'a'", 'a', {}, 'ERR_INVALID_SOURCE', 'uploadFiles() files must be an array (got a string)'],
    ['files: [5]', [5], {}, 'ERR_INVALID_SOURCE', 'files[0] must be a path, { path, objinfo?, mimeType? } or [path, objinfo?, mimeType?] (got 5)'],
    ['files: [{}]', [{}], {}, 'ERR_INVALID_SOURCE', 'files[0] has no path'],
    ['concurrency: 0', ['a'], { concurrency: 0 }, 'ERR_INVALID_OPTION', 'uploadFiles() options.concurrency must be an integer from 1 to 256 (got 0)'],
    ['retries: -1', ['a'], { retries: -1 }, 'ERR_INVALID_OPTION', 'uploadFiles() options.retries must be an integer from 0 to 100 (got -1)'],
    ["retryUnknown: 'yes'", ['a'], { retryUnknown: 'yes' }, 'ERR_INVALID_OPTION', 'uploadFiles() options.retryUnknown must be true or false (got a string)'],
    ['onResult: 5', ['a'], { onResult: 5 }, 'ERR_INVALID_OPTION', 'uploadFiles() options.onResult must be a function (got 5)'],
    ['noEngineWaitMs: -5', ['a'], { noEngineWaitMs: -5 }, 'ERR_INVALID_OPTION', `uploadFiles() options.noEngineWaitMs must be an integer from 0 to ${MAX} (got -5)`],
    ["options: 'x'", ['a'], 'x', 'ERR_INVALID_OPTION', 'uploadFiles() options must be an object (got a string)'],
  ];
  it.each(fileCases)('uploadFiles(): %s', async (_label, files, options, code, message) => {
    const { task, sent } = await ready();
    const got = await refusal(() => task.uploadFiles(files as never, options as never));
    expect({ code: got.code, message: got.message }).toEqual({ code, message });
    expect(sent()).toBe(0);
  });

  it('pipe(), writable() and upload() with a bad pipe option throw the streams error; nothing is sent', async () => {
    const { task, sent } = await ready();
    for (const call of [() => task.pipe({ highWaterMark: -1 }), () => task.writable({ highWaterMark: -1 }), () => task.upload('x', { highWaterMark: -1 })]) {
      const got = await refusal(call);
      expect(got.code).toBe('ERR_INVALID_OPTION');
      expect(got.message).toMatch(/highWaterMark/);
    }
    const wait = await refusal(() => task.upload('x', { noEngineWaitMs: 1.5 }));
    expect({ code: wait.code, message: wait.message }).toEqual({ code: 'ERR_INVALID_OPTION', message: 'poolTask.upload() options.noEngineWaitMs must be an integer from 0 to 2147483647 (got 1.5)' });
    expect(sent()).toBe(0);
  });

  it('terminate(), events$() and status$() take only a PoolTask of this pool', async () => {
    const { pool } = await ready();
    for (const call of [() => pool.terminate({} as never), () => pool.status$({} as never)]) {
      const got = await refusal(call);
      expect({ code: got.code, message: got.message }).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
      expect(got.message).toMatch(/^pool\.(terminate|status\$)\(\) takes a PoolTask of this pool \(from pool\.use\(\)\)$/);
    }
    expect((await refusal(() => pool.events$({ token: 5 } as never))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('terminate() with bad options is ERR_INVALID_ARGUMENT and leaves the task running: no terminate sent, pipes still taken', async () => {
    const { pool, task, terminates } = await ready();
    const got = await refusal(() => pool.terminate(task, 5 as never));
    expect({ code: got.code, message: got.message }).toEqual({ code: 'ERR_INVALID_ARGUMENT', message: 'pool.terminate() options must be an object (got 5)' });
    expect(terminates()).toBe(0);
    expect(task.terminated).toBe(false);
    const result = await task.upload('still running');
    expect(pool.engines).toContain(result.engine);
    await pool.terminate(task);
    expect(task.terminated).toBe(true);
    expect(terminates()).toBe(2);
  });

  it('events$() without a task or filter is ERR_INVALID_ARGUMENT, not a stream that never emits', async () => {
    const { pool } = await ready();
    for (const target of [undefined, 'tok', 5]) {
      const got = await refusal(() => pool.events$(target as never));
      expect(got.code).toBe('ERR_INVALID_ARGUMENT');
      expect(got.message).toMatch(/^pool\.events\$\(\) takes a PoolTask of this pool or an events filter \{ token \} or \{ projectId, source \} \(got /);
    }
  });

  it('events$() and status$() after disconnect() fail ERR_DISCONNECTED, not as a foreign task', async () => {
    const { pool, task } = await ready();
    await pool.disconnect();
    for (const call of [() => pool.events$(task), () => pool.status$(task), () => pool.events$({ token: '*' })]) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect({ code: (error as ConnectionError).code, message: (error as Error).message }).toEqual({ code: 'ERR_DISCONNECTED', message: 'The pool was disconnected' });
      expect(error).toBeInstanceOf(ConnectionError);
    }
  });

  it('a terminated task and a disconnected pool refuse new pipes with their own codes, sending nothing', async () => {
    const { pool, task, sent } = await ready();
    await pool.terminate(task);
    const error = (await task.upload('x').catch((e: unknown) => e)) as ValidationError;
    expect({ code: error.code, message: error.message }).toEqual({ code: 'ERR_TASK_TERMINATED', message: 'The pool task was terminated; start it again with pool.use()' });
    await pool.disconnect();
    const closed = (await pool.use(ECHO_PIPELINE).catch((e: unknown) => e)) as ValidationError;
    expect({ code: closed.code, message: closed.message }).toEqual({ code: 'ERR_DISCONNECTED', message: 'The pool was disconnected' });
    expect(sent()).toBe(0);
  });
});
