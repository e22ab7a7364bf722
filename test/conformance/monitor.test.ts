/**
 * PROTOCOL.md §14 cases 42–52: `rrext_monitor` and server events (§5.8, §7), with §15.1, §15.2, §15.5.
 */
import { describe, expect, it } from 'vitest';
import {
  ECHO_PROJECT,
  chat,
  chatPipeline,
  close,
  execute,
  openPipe,
  question,
  useEngine,
  write,
} from './helpers/env.js';
import type { Msg, RawClient } from './helpers/raw-client.js';

/** One open → write → close round on a text pipe. */
async function upload(c: RawClient, token: string, text: string, name = 'a.txt'): Promise<Msg> {
  const pipe = await openPipe(c, token, { object: { name }, mimeType: 'text/plain' });
  await write(c, token, pipe, text);
  return close(c, token, pipe);
}

describe('monitoring and events', () => {
  const ctx = useEngine();

  it('§14.42 a SUMMARY subscription gets the current TASK_STATUS before its own body-less response', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const { response, seen } = await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    expect(response).toMatchObject({ command: 'rrext_monitor', success: true });
    expect(response).not.toHaveProperty('body');
    const updates = seen.filter((f) => f.msg?.event === 'apaevt_status_update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates[0]!.msg!.body).toMatchObject({
      __id: 'T1.webhook_1',
      state: 3,
      project_id: ECHO_PROJECT,
      source: 'webhook_1',
      completed: false,
    });
  });

  it('§14.43 a "*" TASK subscription gets apaevt_task running (with __id "" per §15.1) before the response', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const { response, seen } = await c.call('rrext_monitor', { token: '*', types: ['TASK'] });
    expect(response.success).toBe(true);
    const running = seen.find((f) => f.msg?.event === 'apaevt_task');
    expect(running?.msg?.body).toMatchObject({ action: 'running', __id: '' });
    expect(running!.msg!.body.tasks).toEqual([
      { id: 'T1.webhook_1', name: expect.any(String), projectId: ECHO_PROJECT, source: 'webhook_1' },
    ]);
  });

  it('§15.2 the TASK catch-up lists every active task, even for a token-scoped subscription', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await execute(c, { token: 'T2', pipeline: chatPipeline() });
    const { seen } = await c.call('rrext_monitor', { token: 'T1', types: ['TASK'] });
    const running = seen.find((f) => f.msg?.event === 'apaevt_task');
    const ids = (running?.msg?.body.tasks ?? []).map((t: Msg) => t.id).sort();
    expect(ids).toEqual(['T1.webhook_1', 'T2.chat_1']);
  });

  it('§14.44 a project/source subscription for a task that is not running gets the "Not running" placeholder first', async () => {
    const c = await ctx.authed();
    const { response, seen } = await c.call('rrext_monitor', { projectId: 'p', source: 's', types: ['SUMMARY'] });
    expect(response.success).toBe(true);
    expect(response).not.toHaveProperty('body');
    const placeholder = seen.find((f) => f.msg?.event === 'apaevt_status_update');
    expect(placeholder?.msg?.body).toMatchObject({
      state: 0,
      status: 'Not running',
      project_id: 'p',
      source: 's',
      __id: 'p.s',
    });
  });

  it('§14.45 neither token nor project → "You must specifiy either token or project_id/source"', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_monitor', { types: ['SUMMARY'] });
    expect(res).toMatchObject({ success: false, message: 'You must specifiy either token or project_id/source' });
  });

  it('§5.8 monitor: an unknown token → "Your pipeline is not running"; token and project together are refused', async () => {
    const c = await ctx.authed();
    expect(await c.request('rrext_monitor', { token: 'nope', types: ['SUMMARY'] })).toMatchObject({
      success: false,
      message: 'Your pipeline is not running',
    });
    const both = await c.request('rrext_monitor', { token: 'T1', projectId: 'p', source: 's', types: ['SUMMARY'] });
    expect(both.success).toBe(false);
    expect(both.message).toMatch(/not both$/);
  });

  it('§14.46 types 36 and "36" mean SUMMARY|TASK; ["bogus"] is accepted and unsubscribes', async () => {
    await execute(await ctx.authed(), { token: 'T1' });
    const catchUps = (seen: { msg?: Msg }[]) => seen.map((f) => f.msg?.event).sort();

    for (const types of [36, '36'] as const) {
      const c = await ctx.authed();
      const { response, seen } = await c.call('rrext_monitor', { token: 'T1', types });
      expect(response.success, `types ${JSON.stringify(types)}`).toBe(true);
      expect(catchUps(seen), `types ${JSON.stringify(types)}`).toEqual(['apaevt_status_update', 'apaevt_task']);
    }

    const c = await ctx.authed();
    await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    const bogus = await c.call('rrext_monitor', { token: 'T1', types: ['bogus'] });
    expect(bogus.response.success).toBe(true);
    expect(bogus.seen).toEqual([]);
    // The key is gone: activity on T1 reaches this connection no more…
    const other = await ctx.authed();
    const mark = c.frames.length;
    await upload(other, 'T1', 'x');
    expect((await other.request('terminate', { token: 'T1' }, 15_000)).success).toBe(true);
    await c.request('rrext_ping');
    expect(c.frames.slice(mark).filter((f) => f.msg?.type === 'event')).toEqual([]);
    // …and SUMMARY counts as newly enabled again (a fresh catch-up).
    const again = await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    expect(catchUps(again.seen)).toEqual(['apaevt_status_update']);
  });

  it('§14.47 with "*" + TASK, execute emits apaevt_task begin before its response and terminate emits end', async () => {
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    const exec = await c.call('execute', { pipeline: chatPipeline(), token: 'T9', args: [] }, 5000);
    expect(exec.response.success).toBe(true);
    const begin = exec.seen.find((f) => f.msg?.event === 'apaevt_task');
    expect(begin?.msg?.body).toMatchObject({
      action: 'begin',
      name: expect.any(String),
      projectId: chatPipeline().project_id,
      source: 'chat_1',
      __id: 'T9.chat_1',
    });
    const term = await c.call('terminate', { token: 'T9' }, 15_000);
    expect(term.response.success).toBe(true);
    const end = term.seen.find((f) => f.msg?.event === 'apaevt_task');
    expect(end?.msg?.body).toMatchObject({ action: 'end', source: 'chat_1', __id: 'T9.chat_1' });
  });

  it('§15.5 terminate emits serviceUp:false, Stopping, Stopped, task end, Stopped again, then responds', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await c.request('rrext_monitor', { token: 'T1', types: ['SUMMARY', 'TASK'] });
    const { response, seen } = await c.call('terminate', { token: 'T1' }, 15_000);
    expect(response.success).toBe(true);
    const trail = seen
      .map((f) => f.msg!)
      .filter((m) => m.type === 'event')
      .map((m) =>
        m.event === 'apaevt_status_update'
          ? `status ${m.body.state} ${m.body.status}${m.body.serviceUp === false ? ' down' : ''}`
          : `${m.event} ${m.body.action}`,
      );
    expect(trail.length).toBe(5);
    expect(trail[0]).toMatch(/^status 3 .* down$/);
    expect(trail.slice(1)).toEqual(['status 4 Stopping down', 'status 6 Stopped down', 'apaevt_task end', 'status 6 Stopped down']);
  });

  it('§14.49 a connection without subscriptions receives no task events, not even SSE during a chat', async () => {
    const watcher = await ctx.authed();
    await watcher.request('rrext_monitor', { token: '*', types: ['ALL'] });
    const c = await ctx.authed();
    await execute(c, { token: 'C1', pipeline: chatPipeline() });
    await execute(c, { token: 'T1' });
    const answer = await chat(c, 'C1', 'What is the answer?');
    expect(answer.success).toBe(true);
    await upload(c, 'T1', 'hello');
    await c.request('terminate', { token: 'T1' }, 15_000);
    await c.request('rrext_ping');
    // Control: the same activity did produce events for a subscriber.
    await watcher.next((m) => m.event === 'apaevt_task' && m.body?.action === 'end');
    expect(watcher.events().length).toBeGreaterThan(0);
    expect(c.frames.map((f) => f.msg).filter((m) => m?.type !== 'response')).toEqual([]);
  });

  it('§14.50 apaevt_flow is emitted only for tasks executed with pipelineTraceLevel', async () => {
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['FLOW'] });
    await execute(c, { token: 'TF', pipelineTraceLevel: 'full' });
    await execute(c, { token: 'TN' });
    await upload(c, 'TN', 'untraced');
    await upload(c, 'TF', 'traced');
    const flow = await c.next((m) => m.event === 'apaevt_flow' && m.body?.__id === 'TF.webhook_1');
    expect(flow.msg!.body).toMatchObject({ op: expect.stringMatching(/^(begin|enter|leave|end)$/), source: 'webhook_1' });
    expect(Array.isArray(flow.msg!.body.pipes)).toBe(true);
    await c.next((m) => m.event === 'apaevt_flow' && m.body?.__id === 'TF.webhook_1' && m.body.op === 'end');
    await c.request('rrext_ping');
    expect(c.events('apaevt_flow').filter((m) => m.body.__id !== 'TF.webhook_1')).toEqual([]);
  });

  it('§14.51 the server never emits apaevt_status_upload', async () => {
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['ALL'] });
    await c.request('rrext_monitor', { token: 'T1', types: ['apaevt_status_upload'] });
    await execute(c, { token: 'T1' });
    await upload(c, 'T1', 'some text');
    const pipe = await openPipe(c, 'T1', { object: { name: 'b.bin', size: 3 }, mimeType: 'application/octet-stream' });
    await write(c, 'T1', pipe, Buffer.from([1, 2, 3]));
    await close(c, 'T1', pipe);
    await c.request('terminate', { token: 'T1' }, 15_000);
    await c.request('rrext_ping');
    expect(c.events().length).toBeGreaterThan(0);
    expect(c.events('apaevt_status_upload')).toEqual([]);
  });

  it('§14.52 an SSE subscription narrowed to pipeId 0 gets no SSE events of pipe 1', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'C1', pipeline: chatPipeline() });
    const res = await c.request('rrext_monitor', { token: 'C1', types: ['SSE'], pipeId: 0 });
    expect(res.success).toBe(true);
    const worker = await ctx.authed();
    const qOpen = { mimeType: 'application/rocketride-question', provider: 'chat' };
    const p0 = await openPipe(worker, 'C1', { object: { name: 'Question 1' }, ...qOpen });
    const p1 = await openPipe(worker, 'C1', { object: { name: 'Question 2' }, ...qOpen });
    expect([p0, p1]).toEqual([0, 1]);
    await Promise.all([write(worker, 'C1', p1, question('one?')), write(worker, 'C1', p0, question('zero?'))]);
    await Promise.all([close(worker, 'C1', p1), close(worker, 'C1', p0)]);
    await c.next((m) => m.event === 'apaevt_sse' && m.body?.pipe_id === 0);
    await c.request('rrext_ping');
    const sse = c.events('apaevt_sse');
    expect(sse.every((m) => m.body.pipe_id === 0 && m.body.__id === 'C1.chat_1')).toBe(true);
  });
});

describe('status throttling', () => {
  // Scaled: at most one SUMMARY update per 1 s → per 200 ms.
  const THROTTLE = 200;
  const ctx = useEngine({ timing: { statusThrottleMs: THROTTLE } });

  it('§14.48 apaevt_status_update for one task is throttled except for state changes', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const { response } = await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    const afterCatchUp = c.frames.findIndex((f) => f.msg?.type === 'response' && f.msg.request_seq === response.request_seq);
    const worker = await ctx.authed();
    // Keep the task's counters changing for about five throttle periods.
    const until = performance.now() + THROTTLE * 5;
    let rounds = 0;
    while (performance.now() < until) {
      await upload(worker, 'T1', `chunk ${rounds++}`, `f${rounds}.txt`);
    }
    await c.next((m) => m.event === 'apaevt_status_update' && m.body?.completedCount === rounds, THROTTLE * 5, afterCatchUp);
    const updates = c.frames.slice(afterCatchUp).filter((f) => f.msg?.event === 'apaevt_status_update');
    expect(rounds).toBeGreaterThan(updates.length);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < updates.length; i++) {
      const prev = updates[i - 1]!;
      const cur = updates[i]!;
      if (cur.msg!.body.state !== prev.msg!.body.state) continue;
      expect(cur.at - prev.at, `gap before update #${i}`).toBeGreaterThanOrEqual(THROTTLE * 0.9);
    }
  });
});
