import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DAPRequest } from '../codec/types.js';
import { AbortError, ConnectionError, PipeError, ProtocolError, TimeoutError } from '../errors/index.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawContext, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';
import { pipeClose, pipeOpen, pipeWrite } from './pipe-protocol.js';

/**
 * pipeOpen/pipeWrite/pipeClose against a raw server whose every data-plane reply a test chooses:
 * the exact arguments sent, and the class, code, message and cause of each way a reply can fail.
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

type Reply = (request: DAPRequest, ctx: RawContext) => void;

/** A server answering `rrext_process` subcommands with `replies` (a missing one is never answered). */
async function connected(replies: Partial<Record<'open' | 'write' | 'close', Reply>>, requestTimeout = 0) {
  server = await raw.start((req, ctx) => {
    if (req.command !== 'rrext_process') return defaultHandler(req, ctx);
    replies[req.arguments?.subcommand as 'open' | 'write' | 'close']?.(req, ctx);
  });
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout });
  await client.connect();
  return client;
}

const sent = (sub: string) => server!.received.filter((r) => r.command === 'rrext_process' && r.arguments?.subcommand === sub);
const caught = (p: Promise<unknown>) =>
  p.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e as RocketRideError,
  );

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('pipeOpen', () => {
  it('sends subcommand, object, mimeType and token, and the provider only when given', async () => {
    const c = await connected({ open: (_req, ctx) => ctx.reply({ pipe_id: 4 }) });
    await expect(pipeOpen(c, 'TK', { name: 'a.txt' }, 'text/plain')).resolves.toBe(4);
    await expect(pipeOpen(c, 'TK', { name: 'b' }, 'text/plain', { provider: 'chat' })).resolves.toBe(4);
    const [first, second] = sent('open');
    expect(first!.arguments).toEqual({ subcommand: 'open', object: { name: 'a.txt' }, mimeType: 'text/plain', token: 'TK' });
    expect(second!.arguments).toEqual({ subcommand: 'open', object: { name: 'b' }, mimeType: 'text/plain', token: 'TK', provider: 'chat' });
  });

  it.each([
    ['a refusal with a message', (_r: DAPRequest, ctx: RawContext) => ctx.fail('no slot'), 'Failed to open a data pipe: no slot', 'no slot'],
    ['a refusal without a message', (_r: DAPRequest, ctx: RawContext) => ctx.fail(''), 'Failed to open a data pipe: Failed to open a data pipe.', undefined],
  ])('%s is ERR_PIPE_OPEN with the server message', async (_name, reply, message, serverMessage) => {
    const c = await connected({ open: reply });
    const error = await caught(pipeOpen(c, 'TK', {}, 'text/plain'));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_PIPE_OPEN', message, serverMessage, command: 'rrext_process' });
  });

  it.each([{}, { pipe_id: 1.5 }, { pipe_id: '3' }, { pipe_id: null }])('a success reply with body %j is ERR_PIPE_OPEN', async (body) => {
    const c = await connected({ open: (_r, ctx) => ctx.reply(body) });
    const error = await caught(pipeOpen(c, 'TK', {}, 'text/plain'));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_PIPE_OPEN',
      command: 'rrext_process',
      message: 'Failed to open a data pipe: the engine replied without a pipe_id (the open failed on the engine)',
    });
    expect(error.response).toMatchObject({ success: true });
  });

  it('refuses a bad provider or signal before anything is sent', async () => {
    const c = await connected({ open: (_r, ctx) => ctx.reply({ pipe_id: 0 }) });
    await expect(pipeOpen(c, 'TK', {}, 'text/plain', { provider: '' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'provider must be a non-empty string',
    });
    await expect(pipeOpen(c, 'TK', {}, 'text/plain', { signal: 'x' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: 'options.signal must be an AbortSignal',
    });
    expect(sent('open')).toHaveLength(0);
  });
});

describe('pipeWrite', () => {
  it('sends subcommand, pipe_id and token with the bytes as payload', async () => {
    const c = await connected({ write: (_r, ctx) => ctx.reply() });
    await pipeWrite(c, 'TK', 3, new Uint8Array([1, 2]));
    const [write] = sent('write');
    const { data, ...rest } = write!.arguments as Record<string, unknown>;
    expect(rest).toEqual({ subcommand: 'write', pipe_id: 3, token: 'TK' });
    expect(Buffer.from(data as Uint8Array)).toEqual(Buffer.from([1, 2]));
  });

  it.each([
    ['with a message', 'quota', 'Failed to write to a data pipe: quota'],
    ['without a message', '', 'Failed to write to a data pipe: Failed to write to a data pipe.'],
  ])('a refusal %s is ERR_PIPE_WRITE', async (_name, reason, message) => {
    const c = await connected({ write: (_r, ctx) => ctx.fail(reason) });
    const error = await caught(pipeWrite(c, 'TK', 0, new Uint8Array([1])));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_PIPE_WRITE', message });
  });

  it('an explicit timeout wins over the requestTimeout cap and becomes ERR_WRITE_TIMEOUT naming it', async () => {
    const c = await connected({}, 60);
    const error = await caught(pipeWrite(c, 'TK', 2, new Uint8Array([1]), { timeout: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: 'ERR_WRITE_TIMEOUT',
      command: 'rrext_process',
      message:
        'The engine did not acknowledge a write to pipe 2 within 150 ms; the pipe is given up without a close, so the object is not committed',
    });
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect((error.cause as TimeoutError).code).toBe('ERR_TIMEOUT');
  });

  it('an abort while waiting for the ack stays ERR_ABORTED (not a write timeout), and leaves no listener', async () => {
    const c = await connected({});
    const ac = new AbortController();
    const writing = caught(pipeWrite(c, 'TK', 0, new Uint8Array([1]), { signal: ac.signal, timeout: 5_000 }));
    await until(() => sent('write').length === 1);
    ac.abort();
    const error = await writing;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Request "rrext_process" was aborted' });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('pipeClose', () => {
  it('sends subcommand, pipe_id and token, resolves with the result and leaves no abort listener', async () => {
    const c = await connected({ close: (_r, ctx) => ctx.reply({ objectId: 'o1', error: null }) });
    const ac = new AbortController();
    await expect(pipeClose(c, 'TK', 5, { signal: ac.signal })).resolves.toEqual({ objectId: 'o1', error: null });
    expect(sent('close')[0]!.arguments).toEqual({ subcommand: 'close', pipe_id: 5, token: 'TK' });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('aborted before it is sent: ERR_ABORTED naming the pipe, with the reason, and nothing sent', async () => {
    const c = await connected({ close: (_r, ctx) => ctx.reply({}) });
    const reason = new Error('stop');
    const error = await caught(pipeClose(c, 'TK', 6, { signal: AbortSignal.abort(reason) }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({
      code: 'ERR_ABORTED',
      command: 'rrext_process',
      message: 'The close of pipe 6 was aborted before it was sent; the object was not committed',
      cause: reason,
    });
    expect(sent('close')).toHaveLength(0);
  });

  it('not connected: the NOT_SENT rejection passes through unchanged (nothing left, nothing committed)', async () => {
    const c = await connected({});
    await c.disconnect();
    const error = await caught(pipeClose(c, 'TK', 1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_NOT_CONNECTED');
  });

  it('aborted after sending and no answer within the timeout: ERR_COMMIT_UNKNOWN naming the abort', async () => {
    const c = await connected({});
    const ac = new AbortController();
    const closing = caught(pipeClose(c, 'TK', 7, { signal: ac.signal, timeout: 150 }));
    await until(() => sent('close').length === 1);
    ac.abort();
    const error = await closing;
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      command: 'rrext_process',
      message:
        'The close of pipe 7 was sent but the operation was aborted meanwhile and no answer came in time; the object may or may not have been committed',
    });
    expect(error.cause).toBeInstanceOf(TimeoutError);
  });

  it('an answer after the abort still counts: the result is returned', async () => {
    const c = await connected({ close: (_r, ctx) => setTimeout(() => ctx.reply({ objectId: 'late' }), 100) });
    const ac = new AbortController();
    const closing = pipeClose(c, 'TK', 8, { signal: ac.signal, timeout: 5_000 });
    await until(() => sent('close').length === 1);
    ac.abort();
    await expect(closing).resolves.toEqual({ objectId: 'late' });
  });

  it('an unusable answer after sending is ERR_COMMIT_UNKNOWN quoting why', async () => {
    const c = await connected({
      close: (req, ctx) =>
        ctx.ws.send(`{"type":"response","seq":9,"request_seq":${req.seq},"command":"rrext_process","success":true,"body":"x"}`),
    });
    const error = await caught(pipeClose(c, 'TK', 9));
    expect(error).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      message:
        'The close of pipe 9 was sent but its answer could not be used ("body" must be an object); the object may or may not have been committed',
    });
    expect(error.cause).toBeInstanceOf(ProtocolError);
  });

  it.each([
    ['with a message', 'gone', 'Failed to close a data pipe: gone'],
    ['without a message', '', 'Failed to close a data pipe: Failed to close a data pipe.'],
  ])('a refusal %s is ERR_PIPE_CLOSE', async (_name, reason, message) => {
    const c = await connected({ close: (_r, ctx) => ctx.fail(reason) });
    const error = await caught(pipeClose(c, 'TK', 0));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_PIPE_CLOSE', message });
  });

  it('a success reply without a body is ERR_PIPE_CLOSE', async () => {
    const c = await connected({ close: (_r, ctx) => ctx.reply() });
    const error = await caught(pipeClose(c, 'TK', 0));
    expect(error).toMatchObject({
      code: 'ERR_PIPE_CLOSE',
      command: 'rrext_process',
      message: 'Failed to close a data pipe: the engine replied without a result (the close failed on the engine)',
    });
    expect(error.response).toMatchObject({ success: true });
  });

  it('a result with an error is ERR_PIPE_RESULT with the text as server message; error false still counts', async () => {
    const c = await connected({ close: (req, ctx) => ctx.reply({ objectId: 'o', error: req.arguments?.pipe_id === 0 ? 'broken' : false }) });
    const error = await caught(pipeClose(c, 'TK', 0));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_PIPE_RESULT',
      command: 'rrext_process',
      message: 'The pipeline failed the object: "broken"',
      serverMessage: '"broken"',
    });
    expect((error.response as { body: unknown }).body).toEqual({ objectId: 'o', error: 'broken' });
    const falsy = await caught(pipeClose(c, 'TK', 1));
    expect(falsy).toMatchObject({ code: 'ERR_PIPE_RESULT', message: 'The pipeline failed the object: false' });
  });
});
