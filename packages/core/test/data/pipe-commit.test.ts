import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { AbortError, PipeError, TimeoutError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();

async function task(options: { threads?: number } = {}): Promise<{ engine: Engine; client: RocketRideClient; token: string }> {
  const { engine, client } = await h.connected();
  const { token } = await client.use({ pipeline: ECHO_PIPELINE, token: 'commit-task', ...options });
  return { engine, client, token };
}

const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as PipeError);
const ops = (engine: Engine, sub: string) => engine.requests().filter((r) => r.arguments.subcommand === sub);
const recordOf = (engine: Engine, name: string) => engine.pipes().find((p) => p.object.name === name);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
}

describe('an abort once close was sent reports the real outcome, never "not committed"', () => {
  it('send(): the close answer comes after the abort, so send resolves with the committed result', async () => {
    const { engine, client, token } = await task();
    engine.faults.delayResponse('rrext_process:close', 150);
    const ac = new AbortController();
    const sent = client.send(token, 'hello', { name: 'late-abort.txt' }, undefined, { signal: ac.signal });
    await until(() => ops(engine, 'close').length === 1);
    ac.abort();
    const result = await sent;
    expect(result.name).toBe('late-abort.txt');
    expect(recordOf(engine, 'late-abort.txt')?.state).toBe('closed');
  });

  it('DataPipe.close({ signal }): aborted while the answer is withheld, it rejects ERR_COMMIT_UNKNOWN naming the abort', async () => {
    const { engine, client, token } = await task();
    engine.faults.withholdResponse('rrext_process:close');
    const pipe = await client.openPipe(token, { name: 'withheld.bin' }, undefined, { closeTimeout: 300 }).open();
    await pipe.write(new Uint8Array([1, 2, 3]));
    const ac = new AbortController();
    const closing = caught(pipe.close({ signal: ac.signal }));
    await until(() => ops(engine, 'close').length === 1);
    ac.abort();
    const error = await closing;
    expect(error).toBeInstanceOf(PipeError);
    expect(error?.code).toBe('ERR_COMMIT_UNKNOWN');
    expect(error?.message).toBe(
      `The close of pipe ${pipe.pipeId} was sent but the operation was aborted meanwhile and no answer came in time; the object may or may not have been committed`,
    );
    // It was in fact committed: "not committed" would have been a lie.
    expect(recordOf(engine, 'withheld.bin')?.state).toBe('closed');
  });

  it('an abort before close was sent is ERR_ABORTED, and then nothing was committed', async () => {
    const { engine, client, token } = await task();
    engine.faults.delayResponse('rrext_process:write', 150);
    const ac = new AbortController();
    const sent = caught(client.send(token, 'hello', { name: 'early-abort.txt' }, undefined, { signal: ac.signal }));
    await until(() => ops(engine, 'write').length === 1);
    ac.abort();
    const error = await sent;
    expect(error).toBeInstanceOf(AbortError);
    expect(error?.code).toBe('ERR_ABORTED');
    expect(ops(engine, 'close')).toHaveLength(0);
    expect(recordOf(engine, 'early-abort.txt')?.state).toBe('open');
  });

  it('a socket lost after close was sent is ERR_COMMIT_UNKNOWN (the engine did commit)', async () => {
    const { engine, client, token } = await task();
    engine.faults.withholdResponse('rrext_process:close');
    const sent = caught(client.send(token, 'bytes', { name: 'lost.bin' }));
    await until(() => ops(engine, 'close').length === 1);
    engine.faults.closeAfterFrames(1);
    void client.ping().catch(() => {});
    const error = await sent;
    expect(error).toBeInstanceOf(PipeError);
    expect(error?.code).toBe('ERR_COMMIT_UNKNOWN');
    expect(error?.message).toMatch(/^The close of pipe \d+ was sent but the connection was lost before its answer \(.+\); the object may or may not have been committed$/);
    expect(recordOf(engine, 'lost.bin')?.state).toBe('closed');
  });

  it('a close answer that never comes fails after closeTimeout with ERR_COMMIT_UNKNOWN', async () => {
    const { engine, client, token } = await task();
    engine.faults.withholdResponse('rrext_process:close');
    const error = await caught(client.send(token, 'x', { name: 'slow-close.bin' }, undefined, { closeTimeout: 100 }));
    expect(error).toBeInstanceOf(PipeError);
    expect(error?.code).toBe('ERR_COMMIT_UNKNOWN');
    expect(error?.message).toMatch(/^The close of pipe \d+ was sent but no answer came within 100 ms; the object may or may not have been committed$/);
    expect(error?.cause).toBeInstanceOf(TimeoutError);
  });
});

describe('per-write acknowledgement timeout', () => {
  it('a write whose ack never comes fails ERR_WRITE_TIMEOUT and the pipe is never closed', async () => {
    const { engine, client, token } = await task();
    engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const pipe = await client.openPipe(token, { name: 'no-ack.bin' }, undefined, { writeTimeout: 100 }).open();
    const error = await caught(pipe.write(new Uint8Array([9])));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.code).toBe('ERR_WRITE_TIMEOUT');
    expect(error?.message).toBe(
      `The engine did not acknowledge a write to pipe ${pipe.pipeId} within 100 ms; the pipe is given up without a close, so the object is not committed`,
    );
    await expect(pipe.close()).rejects.toBe(error);
    expect(ops(engine, 'close')).toHaveLength(0);
    expect(recordOf(engine, 'no-ack.bin')?.state).toBe('open');
  });

  it('send() applies it too, and a write acknowledged in time is not affected', async () => {
    const { engine, client, token } = await task();
    engine.faults.delayResponse('rrext_process:write', 30, { times: 1 });
    await expect(client.send(token, 'ok', { name: 'in-time.txt' }, undefined, { writeTimeout: 2_000 })).resolves.toMatchObject({ name: 'in-time.txt' });
    engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const error = await caught(client.send(token, 'never', { name: 'never.txt' }, undefined, { writeTimeout: 80 }));
    expect(error?.code).toBe('ERR_WRITE_TIMEOUT');
    expect(recordOf(engine, 'never.txt')?.state).toBe('open');
  });

  it("left unset, the write and close timeouts are capped by the client's requestTimeout", async () => {
    const { engine, client } = await h.connected({}, { requestTimeout: 150 });
    const { token } = await client.use({ pipeline: ECHO_PIPELINE, token: 'capped-task' });
    engine.faults.withholdResponse('rrext_process:write', { times: 1 });
    const write = await caught(client.send(token, 'x', { name: 'capped-write.bin' }));
    expect(write).toMatchObject({ code: 'ERR_WRITE_TIMEOUT' });
    expect(write?.message).toMatch(/^The engine did not acknowledge a write to pipe \d+ within 150 ms;/);
    engine.faults.withholdResponse('rrext_process:close', { times: 1 });
    const close = await caught(client.send(token, 'y', { name: 'capped-close.bin' }));
    expect(close).toMatchObject({ code: 'ERR_COMMIT_UNKNOWN' });
    expect(close?.message).toMatch(/was sent but no answer came within 150 ms;/);
    // An explicit pipe timeout wins over requestTimeout.
    engine.faults.delayResponse('rrext_process:close', 300, { times: 1 });
    await expect(client.send(token, 'z', { name: 'explicit.bin' }, undefined, { closeTimeout: 5_000 })).resolves.toMatchObject({ name: 'explicit.bin' });
  });

  it('does not apply to an open the engine withholds while the task has no free pipe slot', async () => {
    const { engine, client, token } = await task({ threads: 1 });
    const holder = await client.openPipe(token, { name: 'holder.bin' }).open();
    const waiting = client.openPipe(token, { name: 'waiting.bin' }, undefined, { writeTimeout: 40 });
    const opened = waiting.open();
    await until(() => engine.tasks().some((t) => t.waitingOpens === 1));
    // Many write timeouts long: the open must still be waiting, not failed.
    let settled = false;
    void opened.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    await holder.close();
    await opened;
    await waiting.write(new Uint8Array([1]));
    await expect(waiting.close()).resolves.toMatchObject({ name: 'waiting.bin' });
  });
});

describe('disposing a DataPipe whose open is in flight', () => {
  it('the open is given up: open() rejects ERR_PIPE_ABANDONED, and nothing is written or closed', async () => {
    const { engine, client, token } = await task();
    engine.faults.delayResponse('rrext_process:open', 100);
    const pipe = client.openPipe(token, { name: 'disposed.bin' });
    const opened = caught(pipe.open());
    await until(() => ops(engine, 'open').length === 1);
    await pipe[Symbol.asyncDispose]();
    const error = await opened;
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({ code: 'ERR_PIPE_ABANDONED', message: 'Pipe was abandoned; the object was not committed' });
    await expect(pipe.write(new Uint8Array([1]))).rejects.toBe(error);
    await expect(pipe.close()).rejects.toBe(error); // a failed pipe is never closed
    await new Promise((r) => setTimeout(r, 150)); // the engine's (late) answer to the open has come
    expect(ops(engine, 'write')).toHaveLength(0);
    expect(ops(engine, 'close')).toHaveLength(0);
  });

  it('while the engine withholds the open for a free slot, disposal ends the wait at once', async () => {
    const { engine, client, token } = await task({ threads: 1 });
    const holder = await client.openPipe(token, { name: 'slot-holder.bin' }).open();
    const waiting = client.openPipe(token, { name: 'slot-waiter.bin' });
    const opened = caught(waiting.open());
    await until(() => engine.tasks().some((t) => t.waitingOpens === 1));
    await waiting[Symbol.asyncDispose]();
    expect(await opened).toMatchObject({ code: 'ERR_PIPE_ABANDONED' });
    await holder.write(new Uint8Array([1]));
    await expect(holder.close()).resolves.toMatchObject({ name: 'slot-holder.bin' });
    expect(ops(engine, 'close')).toHaveLength(1);
  });

  it('disposal while close is in flight does not turn its outcome into "not committed"', async () => {
    const { engine, client, token } = await task();
    engine.faults.delayResponse('rrext_process:close', 100);
    const pipe = await client.openPipe(token, { name: 'dispose-closing.bin' }).open();
    await pipe.write(new Uint8Array([7]));
    const closing = pipe.close();
    await until(() => ops(engine, 'close').length === 1);
    await pipe[Symbol.asyncDispose]();
    await expect(closing).resolves.toMatchObject({ name: 'dispose-closing.bin' });
  });
});

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('random aborts over 30 sends (seeded)', () => {
  it('every "not committed" rejection left nothing committed; every other outcome is labelled', async () => {
    const seed = 0x9e3779b9;
    const random = seeded(seed);
    const { engine, client, token } = await task();
    engine.faults.setAckDelay(10);
    engine.faults.delayResponse('rrext_process:close', 25);
    const outcomes = { committed: 0, notCommitted: 0, unknown: 0 };
    for (let i = 0; i < 30; i++) {
      const name = `random-${i}.txt`;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), Math.floor(random() * 50));
      const error = await caught(client.send(token, `payload ${i}`, { name }, undefined, { signal: ac.signal, closeTimeout: 5_000 }));
      clearTimeout(timer);
      const record = recordOf(engine, name);
      if (error === undefined) {
        outcomes.committed++;
        expect(record?.state, `seed ${seed}, send ${i}`).toBe('closed');
        expect(record?.received.toString()).toBe(`payload ${i}`);
      } else if (error.code === 'ERR_COMMIT_UNKNOWN') {
        outcomes.unknown++;
        expect(error.message).toMatch(/may or may not have been committed/);
      } else {
        outcomes.notCommitted++;
        expect(error.code, `seed ${seed}, send ${i}: ${error.message}`).toBe('ERR_ABORTED');
        expect(record?.state ?? 'never opened', `seed ${seed}, send ${i}`).not.toBe('closed');
      }
    }
    expect(outcomes.committed + outcomes.notCommitted + outcomes.unknown).toBe(30);
    // The close answer is delayed, so some aborts land while close is in flight: those are waited for.
    expect(outcomes.committed).toBeGreaterThan(0);
    expect(outcomes.notCommitted).toBeGreaterThan(0);
  });
});
