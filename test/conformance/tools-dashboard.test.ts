/**
 * PROTOCOL.md §16.L cases 26–28: `rrext_dashboard` (§16.G), fed by the simulator's own connections, subscriptions and
 * tasks. Both profiles answer alike (HEAD sends no `apikey` either: the field exists only in the TS SDK's type).
 */
import { describe, expect, it } from 'vitest';
import { KEY, PROFILES, execute, useEngine } from './helpers/env.js';
import type { Msg } from './helpers/raw-client.js';

const CONNECTION_FIELDS = ['attachedTasks', 'authenticated', 'clientId', 'clientInfo', 'connectedAt', 'id', 'lastActivity', 'messagesIn', 'messagesOut', 'monitors'];
const TASK_FIELDS = [
  'completed',
  'completedCount',
  'connections',
  'elapsedTime',
  'endTime',
  'exitCode',
  'id',
  'idleTime',
  'launchType',
  'metrics',
  'name',
  'projectId',
  'provider',
  'rateCount',
  'rateSize',
  'source',
  'startTime',
  'state',
  'status',
  'totalCount',
  'ttl',
];

describe.each(PROFILES)('rrext_dashboard (%s)', (profile) => {
  const ctx = useEngine({ profile });

  async function setup() {
    const c = await ctx.connect();
    expect((await c.request('auth', { auth: KEY, clientName: 'conf-client', clientVersion: '9.9' })).success).toBe(true);
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    const task = await execute(c, { token: 'DASH1', ttl: 321 });
    return { c, task };
  }

  it('§16.26 the snapshot: overview, the caller connection, the running task', async () => {
    const { c, task } = await setup();
    const other = await ctx.authed();
    const res = await c.request('rrext_dashboard', {});
    expect(res).toMatchObject({ command: 'rrext_dashboard', success: true });
    const body = res.body as Msg;
    expect(Object.keys(body).sort()).toEqual(['connections', 'overview', 'tasks']);
    expect(Object.keys(body.overview).sort()).toEqual(['activeTasks', 'serverUptime', 'totalConnections']);
    expect(body.overview.totalConnections).toBe(2);
    expect(body.overview.activeTasks).toBe(1);
    expect(body.overview.serverUptime).toBeGreaterThan(0);

    const mine = body.connections.find((x: Msg) => x.clientInfo?.name === 'conf-client');
    expect(Object.keys(mine).sort()).toEqual(CONNECTION_FIELDS);
    expect(mine).not.toHaveProperty('apikey');
    expect(mine).toMatchObject({
      authenticated: true,
      clientId: 'local',
      clientInfo: { name: 'conf-client', version: '9.9' },
      monitors: [{ key: 'All tasks', flags: ['task'] }],
    });
    expect(mine.messagesIn).toBe(4);
    expect(mine.messagesOut).toBeGreaterThanOrEqual(4);
    expect(mine.lastActivity).toBeGreaterThanOrEqual(mine.connectedAt);
    const status = await c.request('rrext_get_task_status', { token: task.token });
    expect(mine.attachedTasks).toEqual([status.body.name]);
    const plain = body.connections.find((x: Msg) => x !== mine);
    expect(plain).toMatchObject({ clientInfo: {}, monitors: [], attachedTasks: [] });
    expect(other.isOpen).toBe(true);

    expect(body.tasks).toHaveLength(1);
    const entry = body.tasks[0];
    expect(Object.keys(entry).sort()).toEqual(TASK_FIELDS);
    expect(entry).toMatchObject({
      id: 'DASH1.webhook_1',
      name: status.body.name,
      launchType: 'execute',
      completed: false,
      status: status.body.status,
      exitCode: null,
      endTime: null,
      state: 3,
      ttl: 321,
      connections: 0,
      provider: 'webhook',
      source: 'webhook_1',
    });
  });

  it('§16.27 after terminate the task is still listed, completed, with exitCode and endTime', async () => {
    const { c } = await setup();
    expect((await c.request('terminate', { token: 'DASH1' })).success).toBe(true);
    const body = (await c.request('rrext_dashboard')).body as Msg;
    expect(body.overview.activeTasks).toBe(0);
    const entry = body.tasks.find((t: Msg) => t.id === 'DASH1.webhook_1');
    expect(entry).toMatchObject({ completed: true, status: null, state: 6, exitCode: 1 });
    expect(Number.isInteger(entry.exitCode)).toBe(true);
    expect(entry.endTime).toBeGreaterThanOrEqual(entry.startTime);
    const mine = body.connections.find((x: Msg) => x.clientInfo?.name === 'conf-client');
    expect(mine.attachedTasks).toEqual([entry.name]);
  });

  it('§16.28 a pk_ connection is refused; a tk_ connection sees its own task and connection only', async () => {
    const c = await ctx.authed();
    const task = await execute(c, {});
    await execute(c, { token: 'OTHER' });
    const pk = await ctx.authed(task.publicToken);
    expect(await pk.request('rrext_dashboard', {})).toMatchObject({ success: false, message: "Permission 'task.monitor' denied" });
    const tk = await ctx.authed(task.token);
    const body = (await tk.request('rrext_dashboard', {})).body as Msg;
    expect(body.overview.totalConnections).toBe(1);
    expect(body.connections).toHaveLength(1);
    expect(body.tasks.map((t: Msg) => t.id)).toEqual([task.id]);
  });

  it('project and pipe subscriptions are labelled with the task name; an unknown project with its first 8 characters', async () => {
    const c = await ctx.authed();
    const task = await execute(c, { token: 'LBL' });
    await c.request('rrext_monitor', { token: 'LBL', types: ['SUMMARY'] });
    await c.request('rrext_monitor', { token: 'LBL', pipeId: 3, types: ['SSE'] });
    await c.request('rrext_monitor', { projectId: 'abcdefghijkl', source: 'src_1', types: ['SUMMARY', 'TASK'] });
    const name = (await c.request('rrext_get_task_status', { token: 'LBL' })).body.name;
    const conn = (await c.request('rrext_dashboard')).body.connections[0];
    expect(conn.monitors).toEqual([
      { key: name, flags: ['summary'] },
      { key: `${name}.pipe3`, flags: ['sse'] },
      { key: 'abcdefgh.src_1', flags: ['summary', 'task'] },
    ]);
    expect(conn.attachedTasks).toEqual([name]);
    expect(task.id).toBe('LBL.webhook_1');
  });
});
