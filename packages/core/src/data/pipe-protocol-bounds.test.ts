import { describe, expect, it, vi } from 'vitest';
import type { DAPRequest } from '../codec/types.js';
import { ConnectionError, PipeError, TimeoutError, ValidationError } from '../errors/index.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawContext, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';
import { CLOSE_ABORT_GRACE_MS, DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS, pipeClose, pipeOpen, pipeWrite } from './pipe-protocol.js';

/**
 * pipeOpen/pipeWrite/pipeClose called directly: every bad argument names itself in a coded
 * ValidationError before anything is sent, and the default timeouts and the 30 s grace after an
 * abort of an in-flight close hold their documented lengths (measured on faked timers, over a real
 * socket to a raw server on 127.0.0.1 that never answers the data-plane request).
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers(() => vi.useRealTimers());

type Reply = (request: DAPRequest, ctx: RawContext) => void;

/** A server answering `rrext_process` subcommands with `replies` (a missing one is never answered). */
async function connected(replies: Partial<Record<'open' | 'write' | 'close', Reply>> = {}, requestTimeout?: number) {
  server = await raw.start((req, ctx) => {
    if (req.command !== 'rrext_process') return defaultHandler(req, ctx);
    replies[req.arguments?.subcommand as 'open' | 'write' | 'close']?.(req, ctx);
  });
  // A connect timeout under 10 s keeps the handshake off the shared long-wait timer (transport/pending.ts), which
  // would otherwise stay armed on the real clock while the test fakes it.
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, connectTimeout: 5000, ...(requestTimeout === undefined ? {} : { requestTimeout }) });
  await client.connect();
  return client;
}

const dataRequests = () => server!.received.filter((r) => r.command === 'rrext_process');

const caught = (p: Promise<unknown>) =>
  p.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e as RocketRideError,
  );

/** Waits for the server to have received `count` data-plane requests, on setImmediate (never faked here). */
async function receivedData(count: number): Promise<void> {
  for (let i = 0; i < 20_000 && dataRequests().length < count; i++) await new Promise((r) => setImmediate(r));
  if (dataRequests().length < count) throw new Error('the request never reached the server');
}

/** Lets socket I/O and promise jobs run, without any timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/**
 * On the faked clock: `pending` is not settled 1 ms before `bound` (socket I/O and promise jobs allowed to run), and
 * settles at `bound`. Resolves with its outcome.
 */
async function settlesAtBound(pending: Promise<RocketRideError>, bound: number): Promise<RocketRideError> {
  vi.advanceTimersByTime(bound - 1);
  await settle();
  let settled = false;
  void pending.then(() => (settled = true));
  await settle();
  expect(settled).toBe(false);
  vi.advanceTimersByTime(1);
  return pending;
}

const RANGE = 'must be an integer number of milliseconds from 0 to 2147483647';
const bytes = new Uint8Array([1]);

describe('each bad argument is named in a coded ValidationError, and nothing is sent', () => {
  const cases: Array<[string, (c: RocketRideClient) => Promise<unknown>, string]> = [
    ['pipeOpen token ""', (c) => pipeOpen(c, '', {}, 'text/plain'), 'token must be a non-empty string'],
    ['pipeOpen object null', (c) => pipeOpen(c, 'TK', null as never, 'text/plain'), 'object must be an object'],
    ['pipeOpen mimeType " "', (c) => pipeOpen(c, 'TK', {}, ' '), 'mimeType must be a non-empty string'],
    ['pipeOpen provider 5', (c) => pipeOpen(c, 'TK', {}, 'text/plain', { provider: 5 as never }), 'provider must be a non-empty string'],
    ['pipeWrite token 7', (c) => pipeWrite(c, 7 as never, 0, bytes), 'token must be a non-empty string'],
    ['pipeWrite pipeId -1', (c) => pipeWrite(c, 'TK', -1, bytes), 'pipeId must be a non-negative integer'],
    ['pipeWrite data "x"', (c) => pipeWrite(c, 'TK', 0, 'x' as never), 'data must be a Uint8Array (or an array of them)'],
    ['pipeWrite signal {}', (c) => pipeWrite(c, 'TK', 0, bytes, { signal: {} as never }), 'options.signal must be an AbortSignal'],
    ['pipeWrite timeout 1.5', (c) => pipeWrite(c, 'TK', 0, bytes, { timeout: 1.5 }), `options.timeout ${RANGE}`],
    ['pipeClose token ""', (c) => pipeClose(c, '', 0), 'token must be a non-empty string'],
    ['pipeClose pipeId 0.5', (c) => pipeClose(c, 'TK', 0.5), 'pipeId must be a non-negative integer'],
    ['pipeClose signal "x"', (c) => pipeClose(c, 'TK', 0, { signal: 'x' as never }), 'options.signal must be an AbortSignal'],
    ['pipeClose timeout -1', (c) => pipeClose(c, 'TK', 0, { timeout: -1 }), `options.timeout ${RANGE}`],
  ];
  it.each(cases)('%s', async (name, call, message) => {
    const c = await connected({ open: (_r, ctx) => ctx.reply({ pipe_id: 0 }), write: (_r, ctx) => ctx.reply(), close: (_r, ctx) => ctx.reply({}) });
    const error = await caught(call(c));
    expect(error).toBeInstanceOf(ValidationError);
    // requireBytes has a code of its own for the payload; every other argument is ERR_INVALID_ARGUMENT.
    expect(error).toMatchObject({ code: name.includes(' data ') ? 'ERR_INVALID_DATA' : 'ERR_INVALID_ARGUMENT', message });
    await c.ping(); // a request sent after the bad call has been answered: the bad call sent nothing
    expect(dataRequests()).toEqual([]);
  });
});

describe('default timeouts of the data plane and the grace after an abort (faked timers where a bound is measured; real socket)', () => {
  it('without requestTimeout, a write waits DEFAULT_WRITE_TIMEOUT_MS (120 s) for its ack, then ERR_WRITE_TIMEOUT', async () => {
    const c = await connected({}, 0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const writing = caught(pipeWrite(c, 'TK', 3, bytes));
    await receivedData(1);
    const error = await settlesAtBound(writing, DEFAULT_WRITE_TIMEOUT_MS);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: 'ERR_WRITE_TIMEOUT',
      message: `The engine did not acknowledge a write to pipe 3 within ${DEFAULT_WRITE_TIMEOUT_MS} ms; the pipe is given up without a close, so the object is not committed`,
    });
  });

  it('without requestTimeout, a close waits DEFAULT_CLOSE_TIMEOUT_MS (300 s) for its answer, then ERR_COMMIT_UNKNOWN', async () => {
    const c = await connected({});
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const closing = caught(pipeClose(c, 'TK', 4));
    await receivedData(1);
    const error = await settlesAtBound(closing, DEFAULT_CLOSE_TIMEOUT_MS);
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      message: `The close of pipe 4 was sent but no answer came within ${DEFAULT_CLOSE_TIMEOUT_MS} ms; the object may or may not have been committed`,
    });
  });

  it('an abort while close is in flight waits CLOSE_ABORT_GRACE_MS (30 s) more for the answer, then ERR_COMMIT_UNKNOWN naming the abort', async () => {
    const c = await connected({}, 0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const ac = new AbortController();
    const closing = caught(pipeClose(c, 'TK', 5, { signal: ac.signal, timeout: 0 }));
    await receivedData(1);
    ac.abort(new Error('caller left'));
    const error = await settlesAtBound(closing, CLOSE_ABORT_GRACE_MS);
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      message:
        'The close of pipe 5 was sent but the operation was aborted meanwhile and no answer came in time; the object may or may not have been committed',
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a connection lost during the grace period is reported as the lost connection, not as the abort', async () => {
    const c = await connected({}, 0);
    const ac = new AbortController();
    const closing = caught(pipeClose(c, 'TK', 7, { signal: ac.signal, timeout: 0 }));
    await receivedData(1);
    ac.abort();
    for (const ws of server!.sockets) ws.terminate();
    const error = await closing;
    expect(error).toBeInstanceOf(PipeError);
    expect(error.code).toBe('ERR_COMMIT_UNKNOWN');
    expect(error.message).toMatch(
      /^The close of pipe 7 was sent but the connection was lost before its answer \(.+\); the object may or may not have been committed$/,
    );
    expect(error.cause).toBeInstanceOf(ConnectionError);
  });

  it('an answer inside the grace period wins, and the grace timer is cleared', async () => {
    let answer: (() => void) | undefined;
    const c = await connected({ close: (_r, ctx) => (answer = () => ctx.reply({ objectId: 'in-grace' })) }, 0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const ac = new AbortController();
    const closing = pipeClose(c, 'TK', 6, { signal: ac.signal, timeout: 0 });
    await receivedData(1);
    ac.abort();
    vi.advanceTimersByTime(CLOSE_ABORT_GRACE_MS - 1_000);
    answer!();
    await expect(closing).resolves.toEqual({ objectId: 'in-grace' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
