import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sseHandler, uploadHandler } from '@rocketride-streams/express';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { connect, RocketRide, RocketRideClient, ValidationError, events$, sse$, status$, task$ } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempt, Cases, type Check, crashes, describeError, SEEDS, settle, sleep } from './support/invariants.js';
import { outcomeOf } from './support/grid.js';
import { KEY, openSession, type Session } from './support/session.js';

/**
 * Bad options at every public entry point. A value of the wrong type or out of range must be refused
 * with a coded ValidationError (thrown, or as the returned promise's / stream's / Observable's
 * failure) before anything reaches the engine. Every field of every entry point gets each of its bad
 * values once (the grid); then seeded random combinations of several bad fields at once.
 */
const RANDOM_RUNS = 120;
const BOUND_MS = 2_000;

type Bad = readonly unknown[];
const NOT_STRING: Bad = [42, true, {}, [], () => 'x'];
const NOT_NON_EMPTY_STRING: Bad = [...NOT_STRING, ''];
const NOT_SIGNAL: Bad = ['x', 42, {}, true, { aborted: false }];
const NOT_FUNCTION: Bad = ['x', 42, {}];
const NOT_POSITIVE_INT: Bad = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '4', {}];
const NOT_NON_NEGATIVE_INT: Bad = [-1, 1.5, Number.NaN, '4', {}];
const NOT_NON_NEGATIVE_MS: Bad = [-1, Number.NaN, '1000', {}];
const NOT_OBJECT: Bad = [42, 'x', true];

let s: Session;
let dir: string;
let file: string;

/** One entry point: how to call it with `bad` laid over valid arguments. */
interface Entry {
  fields: Record<string, Bad>;
  call: (bad: Record<string, unknown>) => unknown;
}

const entries: Record<string, () => Entry> = {
  'new RocketRideClient + connect': () => ({
    fields: {
      uri: [...NOT_NON_EMPTY_STRING, null],
      auth: NOT_STRING,
      requestTimeout: NOT_NON_NEGATIVE_MS,
      connectTimeout: NOT_NON_NEGATIVE_MS,
      keepaliveInterval: NOT_NON_NEGATIVE_MS,
      keepaliveTimeout: NOT_NON_NEGATIVE_MS,
      reconnectDelay: NOT_NON_NEGATIVE_MS,
      maxReconnectDelay: NOT_NON_NEGATIVE_MS,
      maxRetryTime: NOT_NON_NEGATIVE_MS,
      maxPayload: NOT_POSITIVE_INT,
      wsPath: NOT_STRING,
      env: NOT_OBJECT,
      clientName: NOT_STRING,
      onEvent: NOT_FUNCTION,
      onConnected: NOT_FUNCTION,
    },
    call: (bad) => new RocketRideClient({ uri: s.engine.uri, auth: KEY, env: {}, ...bad } as never).connect(),
  }),
  'client.connect(credential)': () => ({
    fields: { credential: NOT_STRING },
    call: (bad) => new RocketRideClient({ uri: s.engine.uri, auth: KEY, env: {} }).connect(bad.credential as never),
  }),
  'façade connect()': () => ({
    fields: { uri: [...NOT_NON_EMPTY_STRING, null], auth: NOT_STRING, requestTimeout: NOT_NON_NEGATIVE_MS, signal: NOT_SIGNAL },
    call: (bad) => connect({ uri: s.engine.uri, auth: KEY, env: {}, ...bad } as never),
  }),
  'pipe()': () => ({
    fields: pipeFields(),
    call: (bad) => s.client instanceof RocketRide && s.client.pipe(s.token, { name: 'p.bin', ...bad } as never),
  }),
  'writable()': () => ({
    fields: pipeFields(),
    call: (bad) => (s.client as RocketRide).writable(s.token, { name: 'w.bin', ...bad } as never),
  }),
  'upload()': () => ({
    fields: { ...pipeFields(), fileChunkSize: NOT_POSITIVE_INT, token: NOT_NON_EMPTY_STRING },
    call: ({ token, ...bad }) => (s.client as RocketRide).upload((token ?? s.token) as never, { path: file }, bad as never),
  }),
  'uploadFiles()': () => ({
    fields: { concurrency: NOT_POSITIVE_INT, fileChunkSize: NOT_POSITIVE_INT, maxWriteBytes: NOT_POSITIVE_INT, signal: NOT_SIGNAL, onProgress: NOT_FUNCTION, files: [42, 'x', [42], [[42]], [{}]] },
    call: ({ files, ...bad }) => (s.client as RocketRide).uploadFiles(s.token, (files ?? [file]) as never, bad as never),
  }),
  'http.upload()': () => ({
    fields: { name: NOT_STRING, mimeType: NOT_NON_EMPTY_STRING, size: NOT_NON_NEGATIVE_INT, endpoint: ['/x', 42], fileChunkSize: NOT_POSITIVE_INT, signal: NOT_SIGNAL, headersTimeout: NOT_NON_NEGATIVE_MS, bodyTimeout: NOT_NON_NEGATIVE_MS },
    call: (bad) => (s.client as RocketRide).http.upload(s.token, { path: file }, bad as never),
  }),
  'send()': () => ({
    fields: { data: [42, null, {}, [1, 2]], name: NOT_STRING, size: [-1, 1.5, '3'], mimetype: NOT_NON_EMPTY_STRING, signal: NOT_SIGNAL, onSSE: NOT_FUNCTION, token: NOT_NON_EMPTY_STRING },
    call: ({ data, name, size, mimetype, signal, onSSE, token }) =>
      s.client.send(
        (token ?? s.token) as never,
        (data === undefined ? 'hello' : data) as never,
        { name: name ?? 'send.txt', ...(size === undefined ? {} : { size }) },
        (mimetype ?? 'text/plain') as never,
        { ...(signal === undefined ? {} : { signal }), ...(onSSE === undefined ? {} : { onSSE }) } as never,
      ),
  }),
  'sendFiles()': () => ({
    fields: { concurrency: NOT_POSITIVE_INT, chunkSize: NOT_POSITIVE_INT, signal: NOT_SIGNAL, files: [42, 'x', [42], [[42]], [[file, 42]], [[file, {}, 42]]] },
    call: ({ files, ...bad }) => s.client.sendFiles((files ?? [file]) as never, s.token, bad as never),
  }),
  'chat()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, question: [42, null, {}, true], onSSE: NOT_FUNCTION, signal: NOT_SIGNAL },
    call: (bad) => s.client.chat({ token: s.token, question: 'hi', ...bad } as never),
  }),
  'events$()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, types: ['x', 42, [42], ['NOT_A_TYPE']], pipeId: [-1, 1.5, 'x'], graceMs: NOT_NON_NEGATIVE_MS, onError: NOT_FUNCTION },
    call: ({ graceMs, onError, ...filter }) =>
      events$(s.client, { token: s.token, ...filter } as never, { ...(graceMs === undefined ? {} : { graceMs }), ...(onError === undefined ? {} : { onError }) } as never),
  }),
  'status$()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, graceMs: NOT_NON_NEGATIVE_MS, taskId: NOT_STRING },
    call: ({ token, ...bad }) => status$(s.client, (token ?? s.token) as never, bad as never),
  }),
  'task$()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, graceMs: NOT_NON_NEGATIVE_MS, taskId: NOT_STRING },
    call: ({ token, ...bad }) => task$(s.client, (token ?? s.token) as never, bad as never),
  }),
  'sse$()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, pipeId: [-1, 1.5, 'x', {}], graceMs: NOT_NON_NEGATIVE_MS },
    call: ({ token, pipeId, ...bad }) => sse$(s.client, (token ?? s.token) as never, pipeId as never, bad as never),
  }),
  'express uploadHandler()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, limit: [-1, Number.NaN, 'x', {}], resolveToken: NOT_FUNCTION, name: NOT_FUNCTION, mimeType: NOT_FUNCTION, pipeOptions: NOT_FUNCTION },
    call: (bad) => uploadHandler(s.client as RocketRide, { token: s.token, ...bad } as never),
  }),
  'express sseHandler()': () => ({
    fields: { token: NOT_NON_EMPTY_STRING, types: ['x', 42], heartbeatMs: NOT_NON_NEGATIVE_MS, maxBufferedBytes: [0, -1, Number.NaN, 'x'], eventsOptions: NOT_OBJECT },
    call: ({ token, types, ...options }) =>
      sseHandler(s.client as RocketRide, { token: token ?? s.token, ...(types === undefined ? {} : { types }) } as never, options as never),
  }),
};

function pipeFields(): Record<string, Bad> {
  return {
    name: NOT_STRING,
    size: [-1, 1.5, Number.NaN, '3', {}],
    mimeType: NOT_NON_EMPTY_STRING,
    provider: NOT_NON_EMPTY_STRING,
    mode: ['x', 42],
    maxWriteBytes: NOT_POSITIVE_INT,
    highWaterMark: NOT_NON_NEGATIVE_INT,
    idleFlushMs: NOT_NON_NEGATIVE_MS,
    signal: NOT_SIGNAL,
    onProgress: NOT_FUNCTION,
    objinfo: NOT_OBJECT,
  };
}

async function runCase(entry: Entry, bad: Record<string, unknown>, check: Check): Promise<void> {
  const before = s.engine.requests().length;
  const connections = s.engine.connectionCount();
  const called = await settle(attempt(() => entry.call(bad)), BOUND_MS);
  const outcome = called.status === 'resolved' ? await outcomeOf(called.value) : called;
  const failure = outcome.status === 'rejected' ? outcome.error : undefined;
  check(failure !== undefined, 'bad options are refused', outcome.status === 'hung' ? 'hung' : `accepted: ${String((outcome as { value?: unknown }).value).slice(0, 80)}`);
  if (failure !== undefined) {
    check(failure instanceof ValidationError, 'refused with a ValidationError', describeError(failure));
    check.coded(failure, 'refusal');
  }
  await sleep(10);
  check(s.engine.requests().length === before, 'nothing reached the engine', `${s.engine.requests().length - before} requests`);
  check(s.engine.connectionCount() <= connections, 'no connection was opened', `${s.engine.connectionCount()} connections`);
}

const label = (v: unknown): string => (typeof v === 'function' ? 'fn' : typeof v === 'number' || v === undefined ? String(v) : JSON.stringify(v));

const cases = new Cases('options');
beforeAll(async () => {
  crashes.install();
  // A bad value that does reach the engine may leave a pipe open: reap those fast, so the task's
  // slots stay free for the next case.
  s = await openSession({ timing: { reapIdleMs: 150, reapScanMs: 50 } }, {}, (o) => new RocketRide(o));
  await s.client.use({ pipeline: ECHO_PIPELINE, token: 'other' });
  dir = mkdtempSync(join(tmpdir(), 'rr-faults-'));
  file = join(dir, 'a.txt');
  writeFileSync(file, 'file body');
});
afterAll(async () => {
  crashes.uninstall();
  await s.close();
  console.log(cases.summary());
});

describe('fault suite: bad options at every public entry point', () => {
  for (const [name, make] of Object.entries(entries)) {
    it(`${name}: every field with each of its bad values`, { timeout: 60_000 }, async () => {
      const entry = make();
      for (const [field, values] of Object.entries(entry.fields)) {
        for (const v of values) await cases.run(name, `${name} ${field}: ${label(v)}`, (check) => runCase(entry, { [field]: v }, check));
      }
      expect(cases.of(name)).toEqual([]);
    });
  }

  it(`${RANDOM_RUNS} random combinations of bad fields`, { timeout: 60_000 }, async () => {
    const names = Object.keys(entries);
    const draws = fc.sample(fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 2, maxLength: 4 })), { seed: SEEDS.options, numRuns: RANDOM_RUNS });
    for (const [i, [e, picks]] of draws.entries()) {
      const name = names[e % names.length]!;
      const entry = entries[name]!();
      const fields = Object.entries(entry.fields);
      const bad: Record<string, unknown> = {};
      for (const [f, v] of picks) {
        const [field, values] = fields[f % fields.length]!;
        bad[field] = values[v % values.length];
      }
      await cases.run('random', `#${i} ${name} ${Object.entries(bad).map(([k, v]) => `${k}: ${label(v)}`).join(', ')}`, (check) => runCase(entry, bad, check));
    }
    expect(cases.of('random')).toEqual([]);
  });
});
