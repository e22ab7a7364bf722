import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortError, ConnectionError, PipeError, ValidationError } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { chunks, type Fixture, sha256, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const lastPipe = (f: Fixture) => f.engine.pipes().at(-1)!;

describe('rocketride.pipe(): the happy path', () => {
  it('stream.pipeline from a file: the engine received exactly the file, and the result comes back', async () => {
    fx = await startFixture();
    dir = await mkdtemp(join(tmpdir(), 'rr-streams-'));
    const data = Buffer.concat(chunks(80, 64 * 1024)); // 5 MiB
    const file = join(dir, 'data.bin');
    await writeFile(file, data);

    const sink = createPipe(fx.client, fx.token, { name: 'data.bin', size: data.length });
    const order: string[] = [];
    sink.on('result', () => order.push(`result:${lastPipe(fx!).state}`));
    sink.on('finish', () => order.push(`finish:${lastPipe(fx!).state}`));
    await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), sink);

    const record = lastPipe(fx);
    expect(sha256(record.received)).toBe(sha256(data));
    expect(record.state).toBe('closed');
    expect(record.object).toMatchObject({ name: 'data.bin', size: data.length });
    expect(record.mimeType).toBe('application/octet-stream');
    const result = await sink.result;
    expect(result).toEqual(record.result);
    expect(result.name).toBe('data.bin');
    // 'result' comes before 'finish', and both only once the engine answered close.
    expect(order).toEqual(['result:closed', 'finish:closed']);
    expect(sink.progress).toMatchObject({ bytesSent: data.length, bytesAcknowledged: data.length, total: data.length });
  });

  it('source.pipe(sink) works as written and finishes after the close reply', async () => {
    fx = await startFixture();
    const data = chunks(20, 10_000);
    const sink = createPipe(fx.client, fx.token);
    Readable.from(data).pipe(sink);
    await once(sink, 'finish');
    expect(lastPipe(fx).state).toBe('closed');
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it('keeps exactly one write in flight and coalesces what was buffered meanwhile', async () => {
    fx = await startFixture({ ackDelayMs: 20 });
    const client = fx.client;
    const real = client.request.bind(client);
    let inFlight = 0;
    let maxInFlight = 0;
    client.request = (async (command: string, args?: Record<string, unknown>, options?: never) => {
      const isWrite = args?.subcommand === 'write';
      if (isWrite) maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await real(command, args, options);
      } finally {
        if (isWrite) inFlight--;
      }
    }) as typeof client.request;

    const data = chunks(64, 16 * 1024); // 1 MiB in 64 small chunks
    const sink = createPipe(fx.client, fx.token, { maxWriteBytes: 256 * 1024 });
    await pipeline(Readable.from(data), sink);
    expect(maxInFlight).toBe(1);
    const record = lastPipe(fx);
    expect(sha256(record.received)).toBe(sha256(data));
    // Coalesced: far fewer writes than chunks, none over maxWriteBytes.
    expect(record.writes).toBeLessThan(16);
    expect(record.writes).toBeGreaterThanOrEqual(4);
    const sizes = fx.engine.requests().filter((r) => r.arguments.subcommand === 'write').map((r) => r.dataBytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024);
  });

  it('splits a chunk larger than maxWriteBytes into several writes, bytes intact', async () => {
    fx = await startFixture();
    const big = chunks(1, 3 * 1024 * 1024 + 5)[0]!;
    const sink = createPipe(fx.client, fx.token, { maxWriteBytes: 1024 * 1024 });
    await pipeline(Readable.from([big]), sink);
    expect(lastPipe(fx).writes).toBe(4);
    expect(sha256(lastPipe(fx).received)).toBe(sha256(big));
  });

  it('keeps the bytes in order even when the engine runs concurrent writes out of order', async () => {
    fx = await startFixture({ writeJitterMs: 15 });
    const data = chunks(48, 32 * 1024);
    await pipeline(Readable.from(data), createPipe(fx.client, fx.token, { maxWriteBytes: 32 * 1024 }));
    expect(sha256(lastPipe(fx).received)).toBe(sha256(data));
  });

  it('commits an empty object for zero-length input: open and close, no write', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { name: 'empty.bin' });
    await pipeline(Readable.from([]), sink);
    expect(fx.dataOps()).toEqual(['open', 'close']);
    expect((await sink.result).name).toBe('empty.bin');
  });
});

describe('rocketride.pipe(): failures never commit, never hang', () => {
  it('destroy() mid-stream abandons the pipe without sending close', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => sink.write(Buffer.alloc(1000, 1), (e) => (e ? reject(e) : resolve())));
    sink.destroy();
    await expect(sink.result).rejects.toMatchObject({ code: 'ERR_PIPE_ABANDONED' });
    expect(fx.dataOps()).toEqual(['open', 'write']);
    expect(lastPipe(fx).state).toBe('open');
  });

  it('an error from the source rejects the pipeline and sends no close', async () => {
    fx = await startFixture();
    async function* source() {
      yield Buffer.from('partial ');
      throw new Error('disk on fire');
    }
    const sink = createPipe(fx.client, fx.token);
    await expect(pipeline(source(), sink)).rejects.toThrow('disk on fire');
    await expect(sink.result).rejects.toThrow('disk on fire');
    expect(fx.dataOps()).not.toContain('close');
  });

  it('an unknown token fails at open with the engine message; nothing else is sent', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, 'no-such-task');
    const err = await pipeline(Readable.from([Buffer.from('x')]), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipeError);
    expect(err).toMatchObject({ code: 'ERR_TASK_NOT_FOUND' });
    expect((err as Error).message).toMatch(/Your pipeline is not running/);
    expect(fx.dataOps()).toEqual(['open']);
  });

  it('a write the engine fails rejects with PipeError and sends no close', async () => {
    fx = await startFixture();
    // Bytes mode on a text pipe: the engine, not the client, sees half a UTF-8 character.
    const sink = createPipe(fx.client, fx.token, { mimeType: 'text/plain', mode: 'bytes' });
    const err = await pipeline(Readable.from([Buffer.from([0xc3])]), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipeError);
    expect(err).toMatchObject({ code: 'ERR_PIPE_WRITE' });
    expect(fx.dataOps()).toEqual(['open', 'write']);
  });

  it('a pipeline failure reported in the close result (body.error) rejects, and no finish is emitted', async () => {
    fx = await startFixture();
    fx.engine.faults.failPipeline(true, 'parser exploded');
    const sink = createPipe(fx.client, fx.token);
    let finished = false;
    sink.on('finish', () => {
      finished = true;
    });
    const err = await pipeline(Readable.from([Buffer.from('data')]), sink).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PIPE_RESULT' });
    expect((err as Error).message).toMatch(/parser exploded/);
    await expect(sink.result).rejects.toBe(err);
    expect(finished).toBe(false);
  });

  it('a socket lost mid-stream rejects with ConnectionError and sends no close', async () => {
    fx = await startFixture();
    fx.engine.faults.closeAfterBytes(200 * 1024);
    const sink = createPipe(fx.client, fx.token, { maxWriteBytes: 64 * 1024 });
    const err = await pipeline(Readable.from(chunks(16, 64 * 1024)), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(fx.dataOps()).not.toContain('close');
  });

  it('a socket lost while the sink is idle destroys it at once', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => sink.write(Buffer.from('x'), (e) => (e ? reject(e) : resolve())));
    fx.engine.faults.closeAfterFrames(1);
    void fx.client.ping().catch(() => {});
    const [err] = (await once(sink, 'error')) as [Error];
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ERR_CONNECTION_LOST' });
  });

  it('aborting the signal while open is blocked by the threads limit rejects at once, sending no close', async () => {
    fx = await startFixture({ threads: 1 });
    const holder = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => holder.write(Buffer.from('a'), (e) => (e ? reject(e) : resolve())));

    const ac = new AbortController();
    const blocked = createPipe(fx.client, fx.token, { signal: ac.signal });
    const run = pipeline(Readable.from([Buffer.from('b')]), blocked);
    // Wait until the engine holds the second open (no reply while the only slot is taken).
    while (fx.engine.requests().filter((r) => r.arguments.subcommand === 'open').length < 2) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    // The holder still works, and nothing closed the blocked pipe.
    holder.end();
    await once(holder, 'finish');
    expect(fx.engine.requests().filter((r) => r.arguments.subcommand === 'close')).toHaveLength(1);
  });

  it("pipeline(source, sink, { signal }) — Node's own signal — also rejects at once while open is blocked", async () => {
    fx = await startFixture({ threads: 1 });
    const holder = createPipe(fx.client, fx.token);
    await new Promise<void>((resolve, reject) => holder.write(Buffer.from('a'), (e) => (e ? reject(e) : resolve())));
    const ac = new AbortController();
    const blocked = createPipe(fx.client, fx.token);
    const run = pipeline(Readable.from([Buffer.from('b')]), blocked, { signal: ac.signal });
    while (fx.engine.requests().filter((r) => r.arguments.subcommand === 'open').length < 2) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const err = await run.catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    await expect(blocked.result).rejects.toThrow();
    expect(fx.engine.requests().filter((r) => r.arguments.subcommand === 'close')).toHaveLength(0);
    holder.destroy();
  });

  it('an already-aborted signal destroys the sink before anything is sent', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token, { signal: AbortSignal.abort() });
    const [err] = (await once(sink, 'error')) as [Error];
    expect(err).toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 20));
    expect(fx.dataOps().filter((op) => op !== 'open')).toEqual([]);
  });
});

describe('rocketride.pipe(): bad input is a typed error before anything is sent for it', () => {
  it('a number chunk in bytes mode', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    const err = await pipeline(Readable.from([Buffer.from('ok'), 42 as unknown as Buffer], { objectMode: true }), sink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_CHUNK' });
    expect(sink.destroyed).toBe(true);
    expect(fx.dataOps()).not.toContain('close');
    const sent = fx.engine.requests().filter((r) => r.arguments.subcommand === 'write').reduce((n, r) => n + r.dataBytes, 0);
    expect(sent).toBeLessThanOrEqual(2);
  });

  it('end() with a bad chunk', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    sink.end({ not: 'bytes' });
    const [err] = (await once(sink, 'error')) as [Error];
    expect(err).toMatchObject({ code: 'ERR_INVALID_CHUNK' });
    expect(fx.dataOps()).not.toContain('close');
  });

  it('a write after end()', async () => {
    fx = await startFixture();
    const sink = createPipe(fx.client, fx.token);
    sink.end(Buffer.from('done'));
    const errored = once(sink, 'error');
    sink.write(Buffer.from('late'));
    const [err] = (await errored) as [Error];
    expect(err).toMatchObject({ code: 'ERR_WRITE_AFTER_END' });
    const sentLate = fx.engine.pipes().some((p) => p.received.includes(Buffer.from('late')));
    expect(sentLate).toBe(false);
  });

  it('a closed client: ConnectionError and no request at all', async () => {
    fx = await startFixture();
    await fx.client.disconnect();
    const before = fx.engine.requests().length;
    const sink = createPipe(fx.client, fx.token);
    const [err] = (await once(sink, 'error')) as [Error];
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ code: 'ERR_NOT_CONNECTED' });
    expect(fx.engine.requests().length).toBe(before);
  });

  it('an empty token: ValidationError thrown by createPipe, and no request at all', async () => {
    fx = await startFixture();
    const before = fx.engine.requests().length;
    expect(() => createPipe(fx!.client, '')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_TOKEN', message: 'A task token (a non-empty string) is required to open a pipe, got ""' }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(fx.engine.requests().length).toBe(before);
  });
});
