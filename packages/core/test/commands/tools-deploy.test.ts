import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const deployRequests = (engine: Engine) => engine.requests().filter((r) => String(r.command).startsWith('rrext_deploy_'));
const { project_id: _unused, ...NO_ID } = ECHO_PIPELINE as Record<string, unknown>;
const pipeline = (projectId: string) => ({ ...ECHO_PIPELINE, project_id: projectId });

describe('client.deploy against the simulator', () => {
  for (const profile of ['intended', 'head'] as const) {
    it(`add / list / status / update / remove round trip (${profile})`, async () => {
      const { client } = await h.connected({ profile });
      const added = await client.deploy.add(pipeline('dep-1'));
      expect(added).toMatchObject({ pipeline: pipeline('dep-1'), schedule: 'manual', state: 'active', created_by: 'local' });
      expect(typeof added.created_at).toBe('number');
      expect(await client.deploy.list()).toEqual([added]);
      expect(await client.deploy.status('dep-1')).toEqual(added);
      await expect(client.deploy.update('dep-1', { schedule: '*/15 * * * *' })).resolves.toBeUndefined();
      const updated = await client.deploy.status('dep-1');
      expect(updated.schedule).toBe('*/15 * * * *');
      expect(updated.created_at).toBe(added.created_at);
      await client.deploy.update('dep-1', { pipeline: pipeline('other') });
      expect((await client.deploy.status('dep-1')).pipeline.project_id).toBe('dep-1');
      await expect(client.deploy.remove('dep-1')).resolves.toBeUndefined();
      const gone = await client.deploy.status('dep-1').catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(ExecutionError);
      expect((gone as ExecutionError).code).toBe('ERR_DEPLOY_STATUS');
    });
  }

  it('presets and 5-field cron expressions are accepted and sent as given', async () => {
    const { client, engine } = await h.connected();
    const schedules = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '0 * * * *', '30 2 * * 1-5', '0/15 * * * *'];
    for (const [i, schedule] of schedules.entries()) {
      expect((await client.deploy.add(pipeline(`s-${i}`), schedule)).schedule).toBe(schedule);
    }
    expect(deployRequests(engine).map((r) => r.arguments.schedule)).toEqual(schedules);
  });

  it('a duplicate add fails with ERR_DEPLOY_ADD and the engine message', async () => {
    const { client } = await h.connected();
    await client.deploy.add(pipeline('dup'));
    const error = await client.deploy.add(pipeline('dup')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({ code: 'ERR_DEPLOY_ADD', message: 'Deployment already exists: dup' });
  });

  it('unknown ids fail coded under both profiles (head leaks the storage key, as upstream)', async () => {
    for (const profile of ['intended', 'head'] as const) {
      const { client } = await h.connected({ profile });
      for (const [call, code] of [
        [() => client.deploy.status('nope'), 'ERR_DEPLOY_STATUS'],
        [() => client.deploy.update('nope', {}), 'ERR_DEPLOY_UPDATE'],
        [() => client.deploy.remove('nope'), 'ERR_DEPLOY_REMOVE'],
      ] as const) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ExecutionError);
        expect((error as ExecutionError).code).toBe(code);
        expect((error as ExecutionError).message).toBe(
          profile === 'head' ? 'File not found: users/local/deployments/nope.json' : 'Deployment not found: nope',
        );
      }
    }
  });

  it('an aborted signal rejects before anything is sent', async () => {
    const { client, engine } = await h.connected();
    const ac = new AbortController();
    ac.abort();
    await expect(client.deploy.list({ signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(deployRequests(engine)).toEqual([]);
  });
});

describe('client.deploy refuses bad input before sending', () => {
  const hint = 'Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.';
  const cases: Array<[string, (c: Awaited<ReturnType<typeof h.connected>>['client']) => Promise<unknown>, string, string]> = [
    ['schedule @reboot', (c) => c.deploy.add(pipeline('p'), '@reboot'), 'ERR_INVALID_SCHEDULE', `Invalid schedule "@reboot". ${hint}`],
    ['schedule MANUAL', (c) => c.deploy.add(pipeline('p'), 'MANUAL'), 'ERR_INVALID_SCHEDULE', `Invalid schedule "MANUAL". ${hint}`],
    ['empty schedule', (c) => c.deploy.add(pipeline('p'), ''), 'ERR_INVALID_SCHEDULE', `Invalid schedule "". ${hint}`],
    ['minute 61', (c) => c.deploy.add(pipeline('p'), '61 * * * *'), 'ERR_INVALID_SCHEDULE', `Invalid schedule "61 * * * *". ${hint}`],
    ['6-field cron (the engine takes it, its message says 5)', (c) => c.deploy.add(pipeline('p'), '* * * * * *'), 'ERR_INVALID_SCHEDULE', `Invalid schedule "* * * * * *". ${hint}`],
    ['non-string schedule', (c) => c.deploy.add(pipeline('p'), 5 as unknown as string), 'ERR_INVALID_SCHEDULE', `Invalid schedule 5. ${hint}`],
    ['schedule in update', (c) => c.deploy.update('p', { schedule: 'not-a-cron' }), 'ERR_INVALID_SCHEDULE', `Invalid schedule "not-a-cron". ${hint}`],
    ['path-like project_id', (c) => c.deploy.add(pipeline('../files/x')), 'ERR_INVALID_PROJECT_ID', 'pipeline.project_id "../files/x" must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters)'],
    ['backslash projectId', (c) => c.deploy.status('a\\b'), 'ERR_INVALID_PROJECT_ID', 'projectId "a\\\\b" must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters)'],
    ['".." projectId', (c) => c.deploy.remove('..'), 'ERR_INVALID_PROJECT_ID', 'projectId ".." must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters)'],
    ['missing project_id', (c) => c.deploy.add({ ...NO_ID }), 'ERR_INVALID_PROJECT_ID', 'pipeline.project_id must be a non-empty string'],
    ['numeric project_id', (c) => c.deploy.add({ ...ECHO_PIPELINE, project_id: 12345 }), 'ERR_INVALID_PROJECT_ID', 'pipeline.project_id must be a non-empty string'],
    ['empty projectId', (c) => c.deploy.update(''), 'ERR_INVALID_PROJECT_ID', 'projectId must be a non-empty string'],
    ['empty pipeline', (c) => c.deploy.add({}), 'ERR_INVALID_ARGUMENT', 'pipeline is required'],
    ['array pipeline', (c) => c.deploy.add([1] as unknown as Record<string, unknown>), 'ERR_INVALID_ARGUMENT', 'pipeline must be an object'],
    ['string pipeline in update', (c) => c.deploy.update('p', { pipeline: 'x' as unknown as Record<string, unknown> }), 'ERR_INVALID_ARGUMENT', 'pipeline must be an object'],
    ['signal not an AbortSignal', (c) => c.deploy.list({ signal: {} as AbortSignal }), 'ERR_INVALID_ARGUMENT', 'options.signal must be an AbortSignal'],
  ];
  for (const [name, call, code, message] of cases) {
    it(`${name} → ${code}, nothing sent`, async () => {
      const { client, engine } = await h.connected();
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code, message });
      expect(deployRequests(engine)).toEqual([]);
    });
  }
});

describe('deploy.add(pipeline, { schedule }): the official object form (issue 13)', () => {
  it('is accepted alongside the positional schedule, with a signal', async () => {
    const { client, engine } = await h.connected();
    expect((await client.deploy.add(pipeline('obj-1'), { schedule: '@daily' })).schedule).toBe('@daily');
    expect((await client.deploy.add(pipeline('obj-2'), { schedule: '0 * * * *', signal: new AbortController().signal })).schedule).toBe('0 * * * *');
    expect((await client.deploy.add(pipeline('obj-3'), {})).schedule).toBe('manual');
    expect(deployRequests(engine).map((r) => r.arguments.schedule)).toEqual(['@daily', '0 * * * *', undefined]);
  });

  for (const [name, args, code, message] of [
    ['an invalid schedule', [{ schedule: 'every day' }], 'ERR_INVALID_SCHEDULE', 'Invalid schedule "every day". Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.'],
    ['an unknown option', [{ schedul: '@daily' }], 'ERR_INVALID_ARGUMENT', 'deploy.add(): unknown option "schedul" (expected schedule, signal)'],
    ['a third argument after the object', [{ schedule: '@daily' }, {}], 'ERR_INVALID_ARGUMENT', 'deploy.add(pipeline, { schedule, signal }) takes no third argument'],
    ['a signal that is not an AbortSignal', [{ signal: 'x' }], 'ERR_INVALID_ARGUMENT', 'options.signal must be an AbortSignal'],
  ] as const) {
    it(`${name} → ${code}, nothing sent`, async () => {
      const { client, engine } = await h.connected();
      const error = await (client.deploy.add as (...a: unknown[]) => Promise<unknown>)(pipeline('bad'), ...args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code, message });
      expect(deployRequests(engine)).toEqual([]);
    });
  }
});
