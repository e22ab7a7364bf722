import { describe, expect, it } from 'vitest';
import { BoundedLog } from './history.js';
import { useRawHarness } from './raw-harness.js';
import { ECHO_PIPELINE, type RawClient } from './test-client.js';
import { DEFAULT_MAX_PIPE_HISTORY, DEFAULT_MAX_REQUEST_LOG } from './types.js';

const h = useRawHarness();

/** Opens, writes `text` into and closes one pipe of `token`. */
async function sendOne(c: RawClient, token: string, text: string): Promise<void> {
  const open = await c.call('rrext_process', { subcommand: 'open', object: { name: `${text}.txt` }, mimeType: 'text/plain', token });
  const pipeId = (open.body as { pipe_id: number }).pipe_id;
  await c.call('rrext_process', { subcommand: 'write', pipe_id: pipeId, token, data: Buffer.from(text) });
  await c.call('rrext_process', { subcommand: 'close', pipe_id: pipeId, token });
}

const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('BoundedLog', () => {
  it('keeps the last `limit` entries in order, however many were pushed', () => {
    const log = new BoundedLog<number>(3);
    for (let i = 0; i < 5000; i++) log.push(i);
    expect(log.size).toBe(3);
    expect(log.toArray()).toEqual([4997, 4998, 4999]);
    expect(log.removeWhere((n) => n === 4998)).toBe(1);
    expect(log.toArray()).toEqual([4997, 4999]);
    log.push(5000);
    log.push(5001);
    expect(log.toArray()).toEqual([4999, 5000, 5001]);
  });

  it('keeps nothing with limit 0 and everything with Infinity', () => {
    const none = new BoundedLog<number>(0);
    const all = new BoundedLog<number>(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 3000; i++) {
      none.push(i);
      all.push(i);
    }
    expect(none.toArray()).toEqual([]);
    expect(all.size).toBe(3000);
    all.clear();
    expect(all.size).toBe(0);
  });
});

describe('bounded inspection history', () => {
  it('has defaults that keep every pipe and request of an ordinary test', () => {
    expect(DEFAULT_MAX_PIPE_HISTORY).toBe(1000);
    expect(DEFAULT_MAX_REQUEST_LOG).toBe(20_000);
  });

  it('keeps at most maxPipeHistory pipe records and maxRequestLog requests, dropping the oldest', async () => {
    await h.start({ maxPipeHistory: 3, maxRequestLog: 4 });
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
    for (const text of ['a', 'b', 'c', 'd', 'e']) await sendOne(c, 'T1', text);
    expect(h.engine.pipes().map((p) => p.received.toString())).toEqual(['c', 'd', 'e']);
    expect(h.engine.pipes().every((p) => p.state === 'closed')).toBe(true);
    // The last four requests: e's open, write and close, after d's close.
    expect(h.engine.requests().map((r) => r.arguments.subcommand)).toEqual(['close', 'open', 'write', 'close']);
  });

  it('drops a task’s pipe records when the task’s own record is cleaned up after its retention', async () => {
    await h.start({ timing: { ttlScanMs: 20, retentionMs: 100 } });
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
    await c.call('execute', { pipeline: { ...ECHO_PIPELINE, project_id: 'p2' }, token: 'T2' });
    await sendOne(c, 'T1', 'one');
    await sendOne(c, 'T2', 'two');
    await c.call('terminate', { token: 'T1' });
    // Retained while the task is: still inspectable right after the end.
    expect(h.engine.pipes({ token: 'T1' })).toHaveLength(1);
    await until(() => h.engine.tasks().length === 1, 'T1 to leave after its retention');
    expect(h.engine.pipes({ token: 'T1' })).toEqual([]);
    expect(h.engine.pipes().map((p) => p.received.toString())).toEqual(['two']);
  });

  it('drops the records of a completed task replaced by a new run under its token once the old run’s retention ends', async () => {
    await h.start({ timing: { ttlScanMs: 20, retentionMs: 150 } });
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
    await sendOne(c, 'T1', 'first-run');
    await c.call('terminate', { token: 'T1' });
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
    await sendOne(c, 'T1', 'second-run');
    expect(h.engine.pipes({ token: 'T1' }).map((p) => p.received.toString())).toEqual(['first-run', 'second-run']);
    await until(() => h.engine.pipes().length === 1, 'the first run’s records to go');
    expect(h.engine.pipes({ token: 'T1' }).map((p) => p.received.toString())).toEqual(['second-run']);
    expect(h.engine.tasks()).toMatchObject([{ token: 'T1', state: 3 }]);
  });

  it('rejects a cap that is not a non-negative integer', async () => {
    await expect(h.start({ maxPipeHistory: -1 })).rejects.toThrow('maxPipeHistory must be a non-negative integer or Infinity, got -1');
    await expect(h.start({ maxRequestLog: 1.5 })).rejects.toThrow('maxRequestLog must be a non-negative integer or Infinity, got 1.5');
  });
});
