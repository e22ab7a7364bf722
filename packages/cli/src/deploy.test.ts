// `rocketride-streams deploy …` in-process against the simulator on 127.0.0.1, under both profiles (PROTOCOL.md §16.F).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES, runIn, useSimulator } from './inprocess-support.js';

let dir: string;
const file = (name: string) => join(dir, name);
const pipelineWith = (projectId: unknown) => ({ ...ECHO_PIPELINE, project_id: projectId });
const HINT = 'Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.';
const LINE = /^(\S+)\t(\S+(?: \S+)*)\t(active|paused|errored)\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-deploy-'));
  await writeFile(file('nightly.json'), JSON.stringify({ pipeline: pipelineWith('nightly') }));
  await writeFile(file('other.json'), JSON.stringify(pipelineWith('other')));
  await writeFile(file('traversal.json'), JSON.stringify(pipelineWith('../files/x')));
  await writeFile(file('no-project.json'), JSON.stringify(pipelineWith(undefined)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(PROFILES)('deploy (%s)', (profile) => {
  const sim = useSimulator(profile);

  it('add (manual by default), ls, status: one line per deployment, or the records with --json; nothing is started', async () => {
    const engine = await sim();
    const add = await runIn(engine, ['deploy', 'add', file('nightly.json')]);
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout.trimEnd()).toMatch(LINE);
    expect(add.stdout).toMatch(/^nightly\tmanual\tactive\t/);
    expect((await runIn(engine, ['deploy', 'add', file('other.json'), '--schedule', '*/15 * * * *'])).code).toBe(0);
    const ls = await runIn(engine, ['deploy', 'ls']);
    expect(ls.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 3))).toEqual([
      ['nightly', 'manual', 'active'],
      ['other', '*/15 * * * *', 'active'],
    ]);
    const records = JSON.parse((await runIn(engine, ['deploy', 'ls', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(records.map((r) => (r.pipeline as { project_id: string }).project_id)).toEqual(['nightly', 'other']);
    const status = JSON.parse((await runIn(engine, ['deploy', 'status', 'nightly', '--json'])).stdout) as Record<string, unknown>;
    expect(status).toEqual({ ...records[0], pipeline: pipelineWith('nightly') });
    expect(status).toMatchObject({ schedule: 'manual', state: 'active', created_by: 'local', created_at: expect.any(Number) });
    expect(engine.tasks()).toEqual([]);
  });

  it('update --schedule, update --pipeline (the project id stays the deployment\'s), rm; --json confirmations', async () => {
    const engine = await sim();
    await runIn(engine, ['deploy', 'add', file('nightly.json')]);
    const up = await runIn(engine, ['deploy', 'update', 'nightly', '--schedule', '@daily']);
    expect(up).toEqual({ code: 0, stdout: 'updated nightly\n', stderr: '' });
    const swap = await runIn(engine, ['deploy', 'update', 'nightly', '--pipeline', file('other.json'), '--json']);
    expect(JSON.parse(swap.stdout)).toEqual({ projectId: 'nightly', updated: true });
    const status = JSON.parse((await runIn(engine, ['deploy', 'status', 'nightly', '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ schedule: '@daily', pipeline: pipelineWith('nightly') });
    expect(JSON.parse((await runIn(engine, ['deploy', 'rm', 'nightly', '--json'])).stdout)).toEqual({ projectId: 'nightly', removed: true });
    expect((await runIn(engine, ['deploy', 'ls'])).stdout).toBe('');
  });

  it("status, update and rm of an unknown id fail with the engine's message (head leaks the storage key)", async () => {
    const engine = await sim();
    const message = profile === 'head' ? 'File not found: users/local/deployments/nope.json' : 'Deployment not found: nope';
    for (const [sub, code] of [
      [['status', 'nope'], 'ERR_DEPLOY_STATUS'],
      [['update', 'nope', '--schedule', 'manual'], 'ERR_DEPLOY_UPDATE'],
      [['rm', 'nope'], 'ERR_DEPLOY_REMOVE'],
    ] as const) {
      const r = await runIn(engine, ['deploy', ...sub]);
      expect(r).toEqual({ code: 1, stdout: '', stderr: `rocketride-streams: ${message} (${code})\n` });
    }
  });

  it("a second add of the same project fails with the engine's message", async () => {
    const engine = await sim();
    await runIn(engine, ['deploy', 'add', file('nightly.json')]);
    const r = await runIn(engine, ['deploy', 'add', file('nightly.json')]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'rocketride-streams: Deployment already exists: nightly (ERR_DEPLOY_ADD)\n' });
  });

  it.each([
    [['add', 'nightly.json', '--schedule', 'not-a-cron'], `Invalid schedule "not-a-cron". ${HINT} (ERR_INVALID_SCHEDULE)`],
    [['add', 'nightly.json', '--schedule', '@reboot'], `Invalid schedule "@reboot". ${HINT} (ERR_INVALID_SCHEDULE)`],
    // The 6-field form the engine lets through (HEAD) is refused here, before anything is sent.
    [['add', 'nightly.json', '--schedule', '* * * * * *'], `Invalid schedule "* * * * * *". ${HINT} (ERR_INVALID_SCHEDULE)`],
    [['update', 'nightly', '--schedule', '61 * * * *'], `Invalid schedule "61 * * * *". ${HINT} (ERR_INVALID_SCHEDULE)`],
    // HEAD would write this record into the caller's file store (§16.F ⚠).
    [['add', 'traversal.json'], 'pipeline.project_id "../files/x" must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters) (ERR_INVALID_PROJECT_ID)'],
    [['add', 'no-project.json'], 'pipeline.project_id must be a non-empty string (ERR_INVALID_PROJECT_ID)'],
    [['status', '..'], 'projectId ".." must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters) (ERR_INVALID_PROJECT_ID)'],
    [['rm', 'a/b'], 'projectId "a/b" must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters) (ERR_INVALID_PROJECT_ID)'],
    [['add', 'missing.json'], 'Cannot read the pipeline file FILE: ENOENT (ERR_INVALID_PIPELINE)'],
  ])('deploy %j → exit 1 with the coded reason, nothing sent to the engine', async (argv, message) => {
    const engine = await sim();
    const args = argv.map((a) => (a.endsWith('.json') ? file(a) : a));
    const r = await runIn(engine, ['deploy', ...args]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `rocketride-streams: ${message.replace('FILE', file('missing.json'))}\n` });
    expect(engine.requests()).toEqual([]);
  });

  it.each([
    [['deploy'], 'deploy: name a subcommand (add, ls, status, update, rm)'],
    [['deploy', 'publish'], 'deploy: unknown subcommand publish'],
    [['deploy', 'add'], 'usage: rocketride-streams deploy add <pipeline.json> [--schedule S] [--json]'],
    [['deploy', 'ls', 'extra'], 'usage: rocketride-streams deploy ls [--json]'],
    [['deploy', 'status'], 'usage: rocketride-streams deploy status <projectId> [--json]'],
    [['deploy', 'rm', 'a', 'b'], 'usage: rocketride-streams deploy rm <projectId> [--json]'],
    [['deploy', 'update', 'nightly'], 'deploy update: give --pipeline <file.json>, --schedule S, or both'],
    [['deploy', 'add', 'nightly.json', '--pipeline', 'x.json'], 'deploy add: --pipeline is not an option of this subcommand'],
    [['deploy', 'rm', 'nightly', '--schedule', '@daily'], 'deploy rm: --schedule is not an option of this subcommand'],
  ])('%j → exit 2 with the reason and the usage, nothing sent', async (argv, reason) => {
    const engine = await sim();
    const r = await runIn(engine, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`rocketride-streams: ${reason}\n`)).toBe(true);
    expect(r.stderr).toContain('Usage: rocketride-streams <command>');
    expect(engine.requests()).toEqual([]);
  });
});
