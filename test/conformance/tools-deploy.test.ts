/**
 * PROTOCOL.md §16.L cases 21–25: deployments (`rrext_deploy_*`, §16.F), under both profiles, plus the project-id
 * rules where the profiles differ (§16.F ⚠ path traversal: `head` takes any id, `intended` refuses path-like ids).
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, echoPipeline, execute, useEngine } from './helpers/env.js';
import type { Msg, RawClient } from './helpers/raw-client.js';

const SCHEDULE_MESSAGE = (repr: string) =>
  `Invalid schedule ${repr}. Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.`;

const deployPipeline = (projectId: string): Msg => ({ ...echoPipeline(), project_id: projectId });

function failed(res: Msg, message: string): void {
  expect(res, JSON.stringify(res)).toMatchObject({ success: false, message });
}

describe.each(PROFILES)('deployments (%s)', (profile) => {
  const ctx = useEngine({ profile });

  async function add(c: RawClient, args: Record<string, unknown>): Promise<Msg> {
    return c.request('rrext_deploy_add', args);
  }

  it('§16.21 add returns the record, list holds exactly it, no task starts, status returns it', async () => {
    const c = await ctx.authed();
    const pipeline = deployPipeline('dep-21');
    const res = await add(c, { pipeline });
    expect(res).toMatchObject({ command: 'rrext_deploy_add', success: true });
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'created_by', 'pipeline', 'schedule', 'state', 'updated_at']);
    expect(res.body).toMatchObject({ pipeline, schedule: 'manual', state: 'active', created_by: 'local' });
    expect(typeof res.body.created_at).toBe('number');
    expect(res.body.updated_at).toBe(res.body.created_at);
    const list = await c.request('rrext_deploy_list');
    expect(list.body).toEqual({ deployments: [res.body] });
    const tasks = await c.request('rrext_get_tasks', {});
    expect(tasks.body.tasks.filter((t: Msg) => t.pipeline?.project_id === 'dep-21')).toEqual([]);
    expect(ctx.engine.tasks()).toEqual([]);
    const status = await c.request('rrext_deploy_status', { projectId: 'dep-21' });
    expect(status.body).toEqual(res.body);
  });

  it('§16.22 update sets the schedule (body {}), replaces the pipeline forcing its project_id, remove deletes', async () => {
    const c = await ctx.authed();
    const added = (await add(c, { pipeline: deployPipeline('dep-22') })).body;
    const upd = await c.request('rrext_deploy_update', { projectId: 'dep-22', schedule: '*/15 * * * *' });
    expect(upd).toMatchObject({ success: true, body: {} });
    const s1 = (await c.request('rrext_deploy_status', { projectId: 'dep-22' })).body;
    expect(s1.schedule).toBe('*/15 * * * *');
    expect(s1.updated_at).toBeGreaterThan(added.updated_at);
    expect(s1.created_at).toBe(added.created_at);
    const other = { ...deployPipeline('other'), name: 'replaced' };
    expect(await c.request('rrext_deploy_update', { projectId: 'dep-22', pipeline: other })).toMatchObject({ success: true, body: {} });
    const s2 = (await c.request('rrext_deploy_status', { projectId: 'dep-22' })).body;
    expect(s2.pipeline).toEqual({ ...other, project_id: 'dep-22' });
    expect(s2.schedule).toBe('*/15 * * * *');
    expect(await c.request('rrext_deploy_remove', { projectId: 'dep-22' })).toMatchObject({ success: true, body: {} });
    const gone = await c.request('rrext_deploy_status', { projectId: 'dep-22' });
    expect(gone.success).toBe(false);
    expect((await c.request('rrext_deploy_list')).body).toEqual({ deployments: [] });
  });

  it('§16.23 argument errors of add, status, update and remove', async () => {
    const c = await ctx.authed();
    failed(await add(c, {}), 'pipeline is required');
    failed(await add(c, { pipeline: {} }), 'pipeline is required');
    failed(await add(c, { pipeline: [1] }), 'pipeline must be an object');
    failed(await add(c, { pipeline: 'x' }), 'pipeline must be an object');
    const { project_id: _dropped, ...withoutProject } = echoPipeline();
    failed(await add(c, { pipeline: withoutProject }), 'pipeline.project_id is required');
    failed(await add(c, { pipeline: { ...withoutProject, project_id: '' } }), 'pipeline.project_id is required');
    failed(await add(c, { pipeline: deployPipeline('dep-23'), schedule: 'not-a-cron' }), SCHEDULE_MESSAGE("'not-a-cron'"));
    expect((await add(c, { pipeline: deployPipeline('dep-23') })).success).toBe(true);
    failed(await add(c, { pipeline: deployPipeline('dep-23') }), 'Deployment already exists: dep-23');
    for (const command of ['rrext_deploy_status', 'rrext_deploy_remove', 'rrext_deploy_update']) {
      failed(await c.request(command, {}), 'projectId is required');
      const unknown = await c.request(command, { projectId: 'nope' });
      expect(unknown.success).toBe(false);
      expect(unknown.message).toBe(profile === 'head' ? 'File not found: users/local/deployments/nope.json' : 'Deployment not found: nope');
    }
    failed(await c.request('rrext_deploy_update', { projectId: 'dep-23', pipeline: 'x' }), 'pipeline must be an object');
    expect(ctx.engine.tasks()).toEqual([]);
  });

  it('§16.24 accepted schedules are stored as given; refused ones quote the Python repr', async () => {
    const c = await ctx.authed();
    const accepted = ['manual', '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '*/15 * * * *', '0 * * * *', '30 2 * * 1-5'];
    for (const [i, schedule] of accepted.entries()) {
      const res = await add(c, { pipeline: deployPipeline(`dep-24-${i}`), schedule });
      expect(res.body?.schedule, JSON.stringify(res)).toBe(schedule);
    }
    const refused: [unknown, string][] = [
      ['@reboot', "'@reboot'"],
      ['MANUAL', "'MANUAL'"],
      ['', "''"],
      ['61 * * * *', "'61 * * * *'"],
      [5, '5'],
      [null, 'None'],
    ];
    for (const [schedule, repr] of refused) failed(await add(c, { pipeline: deployPipeline('dep-24-x'), schedule }), SCHEDULE_MESSAGE(repr));
    failed(await c.request('rrext_deploy_update', { projectId: 'dep-24-0', schedule: '@reboot' }), SCHEDULE_MESSAGE("'@reboot'"));
  });

  it('§16.24 a 6-field (seconds) expression: HEAD takes it despite the message, intended refuses it', async () => {
    const c = await ctx.authed();
    const res = await add(c, { pipeline: deployPipeline('dep-6f'), schedule: '* * * * * *' });
    if (profile === 'head') expect(res.body?.schedule).toBe('* * * * * *');
    else failed(res, SCHEDULE_MESSAGE("'* * * * * *'"));
  });

  it('§16.25 a pk_ connection gets task.control denied from add/update/remove and task.monitor from list/status', async () => {
    const c = await ctx.authed();
    const task = await execute(c, {});
    const pk = await ctx.authed(task.publicToken);
    expect((await add(c, { pipeline: deployPipeline('dep-25') })).success).toBe(true);
    failed(await add(pk, { pipeline: deployPipeline('dep-25b') }), "Permission 'task.control' denied");
    failed(await pk.request('rrext_deploy_update', { projectId: 'dep-25', schedule: '@daily' }), "Permission 'task.control' denied");
    failed(await pk.request('rrext_deploy_remove', { projectId: 'dep-25' }), "Permission 'task.control' denied");
    failed(await pk.request('rrext_deploy_list'), "Permission 'task.monitor' denied");
    failed(await pk.request('rrext_deploy_status', { projectId: 'dep-25' }), "Permission 'task.monitor' denied");
    const status = await c.request('rrext_deploy_status', { projectId: 'dep-25' });
    expect(status.body.schedule).toBe('manual');
  });

  it('a path-like project_id: HEAD stores it as given (§16.F ⚠), intended refuses it and stores nothing', async () => {
    const c = await ctx.authed();
    const res = await add(c, { pipeline: deployPipeline('../files/dep-trav') });
    if (profile === 'head') {
      expect(res.success, JSON.stringify(res)).toBe(true);
      expect(res.body.pipeline.project_id).toBe('../files/dep-trav');
      const outside = await add(c, { pipeline: deployPipeline('../../../../escape') });
      expect(outside.success).toBe(false);
      expect(outside.message).toMatch(/^Failed to write file users\/local\/deployments\/\.\.\/\.\.\/\.\.\/\.\.\/escape\.json: Path traversal detected/);
      const numeric = await add(c, { pipeline: deployPipeline(12345 as never) });
      expect(numeric.body.pipeline.project_id).toBe(12345);
    } else {
      failed(res, 'Invalid project_id "../files/dep-trav": it must not be a path');
      failed(await add(c, { pipeline: deployPipeline('a\\b') }), 'Invalid project_id "a\\\\b": it must not be a path');
      failed(await add(c, { pipeline: deployPipeline(12345 as never) }), 'pipeline.project_id must be a string');
      failed(await c.request('rrext_deploy_status', { projectId: '../x' }), 'Invalid projectId "../x": it must not be a path');
      expect((await c.request('rrext_deploy_list')).body).toEqual({ deployments: [] });
    }
  });
});
