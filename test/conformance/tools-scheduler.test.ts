/**
 * The simulator's optional deployment scheduler (issue 13; PROTOCOL.md §16.F): upstream wrote a scheduler but left
 * it off, so HEAD never runs deployments. With `scheduler` on, an `active` non-manual deployment is started through
 * the normal task start at its cron time. The scheduler's clock is injected (`now`), so the tests move time instead of
 * waiting for it.
 */
import { describe, expect, it } from 'vitest';
import { echoPipeline, useEngine } from './helpers/env.js';
import type { Msg, RawClient } from './helpers/raw-client.js';

/** 2030-01-01 00:14:00 UTC: one minute before a `*\/15` boundary. */
const T0 = Date.UTC(2030, 0, 1, 0, 14, 0);

function clock() {
  let now = T0;
  return {
    now: () => now,
    set(ms: number) {
      now = ms;
    },
  };
}

const isBegin = (projectId: string) => (m: Msg) => m.event === 'apaevt_task' && m.body?.action === 'begin' && m.body.projectId === projectId;

async function deploy(c: RawClient, projectId: string, schedule: string): Promise<void> {
  const res = await c.request('rrext_deploy_add', { pipeline: { ...echoPipeline(), project_id: projectId }, schedule });
  expect(res.success, JSON.stringify(res)).toBe(true);
}

describe('deployment scheduler (intended, on)', () => {
  const time = clock();
  const ctx = useEngine({ scheduler: { now: time.now, intervalMs: 20 } });

  it('starts a */15 deployment once its cron time has come, not before; a manual one never', async () => {
    time.set(T0);
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    await deploy(c, 'sched-15', '*/15 * * * *');
    await deploy(c, 'sched-manual', 'manual');
    expect(await c.quietFor(300, isBegin('sched-15')), 'nothing starts before 00:15').toBe(true);
    time.set(T0 + 61_000);
    const begin = await c.next(isBegin('sched-15'), 3000);
    expect(begin.msg!.body).toMatchObject({ action: 'begin', projectId: 'sched-15', source: 'webhook_1' });
    const tasks = (await c.request('rrext_get_tasks', {})).body.tasks as Msg[];
    expect(tasks.map((t) => t.pipeline.project_id)).toEqual(['sched-15']);
    expect(await c.quietFor(200, isBegin('sched-manual'))).toBe(true);
    // The record's timestamps follow the same clock.
    const record = (await c.request('rrext_deploy_status', { projectId: 'sched-15' })).body;
    expect(record.created_at).toBe(T0 / 1000);
  });

  it('a removed deployment is not started', async () => {
    time.set(T0);
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    await deploy(c, 'sched-gone', '@hourly');
    expect(await c.quietFor(200, isBegin('sched-gone'))).toBe(true);
    expect((await c.request('rrext_deploy_remove', { projectId: 'sched-gone' })).success).toBe(true);
    time.set(T0 + 3_600_000);
    expect(await c.quietFor(300, isBegin('sched-gone'))).toBe(true);
    expect(ctx.engine.tasks()).toEqual([]);
  });
});

describe('deployment scheduler under head', () => {
  const time = clock();
  const ctx = useEngine({ profile: 'head', scheduler: { now: time.now, intervalMs: 20 } });

  it('is always off: a due deployment starts no task, as on the upstream server', async () => {
    time.set(T0);
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    await deploy(c, 'sched-head', '*/15 * * * *');
    time.set(T0 + 61_000);
    expect(await c.quietFor(300, isBegin('sched-head'))).toBe(true);
    expect(ctx.engine.tasks()).toEqual([]);
  });
});
