/**
 * PROTOCOL.md §14 cases 19–26: task lifecycle (§5.2–§5.4), with §15.5 and §15.8.
 */
import { describe, expect, it } from 'vitest';
import { ECHO_PROJECT, echoPipeline, execute, openPipe, useEngine } from './helpers/env.js';
import { publicToken, taskToken } from './helpers/ids.js';

/** Every TASK_STATUS field of §5.4 with the JSON type it must have. */
const STATUS_FIELDS: Record<string, 'string' | 'number' | 'boolean' | 'array' | 'object'> = {
  name: 'string',
  project_id: 'string',
  source: 'string',
  completed: 'boolean',
  state: 'number',
  startTime: 'number',
  endTime: 'number',
  debuggerAttached: 'boolean',
  serviceUp: 'boolean',
  status: 'string',
  warnings: 'array',
  errors: 'array',
  currentObject: 'string',
  currentSize: 'number',
  notes: 'array',
  totalSize: 'number',
  totalCount: 'number',
  completedSize: 'number',
  completedCount: 'number',
  failedSize: 'number',
  failedCount: 'number',
  wordsSize: 'number',
  wordsCount: 'number',
  rateSize: 'number',
  rateCount: 'number',
  exitCode: 'number',
  exitMessage: 'string',
  pipeflow: 'object',
  metrics: 'object',
  tokens: 'object',
};

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

describe('tasks', () => {
  const ctx = useEngine();

  it('§14.19 execute with token T1 returns the task identity and the task is RUNNING right away', async () => {
    const c = await ctx.authed();
    const res = await c.request('execute', { pipeline: echoPipeline(), token: 'T1', args: [] }, 5000);
    expect(res).toMatchObject({ type: 'response', command: 'execute', success: true });
    expect(res.body).toEqual({
      id: 'T1.webhook_1',
      token: 'T1',
      publicToken: expect.stringMatching(/^pk_[0-9a-f]{32}$/),
      projectId: ECHO_PROJECT,
      source: 'webhook_1',
      provider: 'webhook',
    });
    expect(res.body.publicToken).toBe(publicToken(ECHO_PROJECT, 'webhook_1'));
    const status = await c.request('rrext_get_task_status', { token: 'T1' });
    expect(status.success).toBe(true);
    expect(status.body.state).toBe(3);
  });

  it('§14.20 without a token the server derives tk_ + sha256(sorted project/source/userId JSON)[:32]', async () => {
    const c = await ctx.authed();
    const body = await execute(c, {});
    const expected = taskToken(ECHO_PROJECT, 'webhook_1');
    expect(body.token).toBe(expected);
    expect(body.id).toBe(`${expected.slice(3, 11)}.webhook_1`);
    // §15.8: without a name argument the status name is <token8>.<source>.<source component name>.
    const status = await c.request('rrext_get_task_status', { token: expected });
    expect(status.body.name).toBe(`${expected.slice(3, 11)}.webhook_1.My webhook`);
  });

  it('§14.21 re-executing a running pipeline fails "Pipeline is already running."; useExisting returns it', async () => {
    const c = await ctx.authed();
    const first = await execute(c, {});
    const again = await c.request('execute', { pipeline: echoPipeline(), args: [] }, 5000);
    expect(again).toMatchObject({ success: false, message: 'Pipeline is already running.' });
    const existing = await c.request('execute', { pipeline: echoPipeline(), args: [], useExisting: true }, 5000);
    expect(existing.success).toBe(true);
    expect(existing.body.token).toBe(first.token);
  });

  it('§14.22 two Source components and no pipeline.source → "Pipeline has multiple source components, …"', async () => {
    const c = await ctx.authed();
    const pipeline = echoPipeline();
    delete pipeline.source;
    pipeline.components.push({ id: 'webhook_2', provider: 'webhook', config: { mode: 'Source', type: 'webhook' } });
    const res = await c.request('execute', { pipeline, args: [] });
    expect(res).toMatchObject({
      success: false,
      message: 'Pipeline has multiple source components, please specify one explicitly',
    });
  });

  it('§14.23 pipeline.source naming no component → "Pipeline source component "missing" not found …"', async () => {
    const c = await ctx.authed();
    const res = await c.request('execute', { pipeline: { ...echoPipeline(), source: 'missing' }, args: [] });
    expect(res).toMatchObject({
      success: false,
      message: 'Pipeline source component "missing" not found in components list',
    });
  });

  it('§5.2 a pipeline with no source and no Source-mode component → "Pipeline does not have a source component defined"', async () => {
    const c = await ctx.authed();
    const pipeline = echoPipeline();
    delete pipeline.source;
    pipeline.components[0].config.mode = 'Target';
    const res = await c.request('execute', { pipeline, args: [] });
    expect(res).toMatchObject({ success: false, message: 'Pipeline does not have a source component defined' });
  });

  it('§5.3 terminate: unknown token → "Your pipeline is not running"; a finished task can be terminated again', async () => {
    const c = await ctx.authed();
    expect(await c.request('terminate', { token: 'nope' })).toMatchObject({
      success: false,
      message: 'Your pipeline is not running',
    });
    expect(await c.request('terminate', {})).toMatchObject({ success: false, message: 'Task token is required' });
    await execute(c, { token: 'T1' });
    expect((await c.request('terminate', { token: 'T1' }, 15_000)).success).toBe(true);
    expect((await c.request('terminate', { token: 'T1' }, 15_000)).success).toBe(true);
  });

  it('§14.24 status of an unknown token → "Your pipeline is not running"; no token → "Task token is required"', async () => {
    const c = await ctx.authed();
    expect(await c.request('rrext_get_task_status', { token: 'nope' })).toMatchObject({
      success: false,
      message: 'Your pipeline is not running',
    });
    expect(await c.request('rrext_get_task_status', {})).toMatchObject({
      success: false,
      message: 'Task token is required',
    });
  });

  it('§14.25 terminate answers with no body; status is CANCELLED/Stopped (§15.5 exit fields); T1 can run again', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const res = await c.request('terminate', { token: 'T1' }, 15_000);
    expect(res).toMatchObject({ command: 'terminate', success: true });
    expect(res).not.toHaveProperty('body');
    const status = await c.request('rrext_get_task_status', { token: 'T1' });
    expect(status.body).toMatchObject({
      state: 6,
      completed: true,
      status: 'Stopped',
      exitCode: 1,
      exitMessage: 'Task cancelled by request',
    });
    const again = await c.request('execute', { pipeline: echoPipeline(), token: 'T1', args: [] }, 5000);
    expect(again.success).toBe(true);
    expect(again.body.token).toBe('T1');
  });

  it('§14.26 TASK_STATUS has every §5.4 field with its type; pipeflow.byPipe keys are strings', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await openPipe(c, 'T1');
    const { body } = await c.request('rrext_get_task_status', { token: 'T1' });
    for (const [field, type] of Object.entries(STATUS_FIELDS)) {
      expect(typeOf(body[field]), `TASK_STATUS.${field}`).toBe(type);
    }
    expect(body).toMatchObject({ project_id: ECHO_PROJECT, source: 'webhook_1', state: 3, completed: false });
    expect(Number.isInteger(body.pipeflow.totalPipes)).toBe(true);
    expect(typeOf(body.pipeflow.byPipe)).toBe('object');
    for (const [k, v] of Object.entries(body.pipeflow.byPipe)) {
      expect(k).toMatch(/^\d+$/);
      expect(Array.isArray(v)).toBe(true);
    }
    for (const k of ['cpu_percent', 'cpu_memory_mb', 'gpu_memory_mb']) expect(typeof body.metrics[k], `metrics.${k}`).toBe('number');
    for (const k of ['cpu_utilization', 'cpu_memory', 'gpu_memory', 'gpu_inference', 'total']) {
      expect(typeof body.tokens[k], `tokens.${k}`).toBe('number');
    }
    expect(typeOf(body.tokens.custom)).toBe('object');
  });
});
