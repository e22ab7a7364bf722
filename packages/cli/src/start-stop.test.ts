// `rocketride-streams start` / `stop` in-process against the simulator on 127.0.0.1, under both profiles.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES, runIn, useSimulator } from './inprocess-support.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-start-'));
  await writeFile(file('echo.json'), JSON.stringify({ pipeline: ECHO_PIPELINE }));
  await writeFile(file('not-json.json'), '{ nope');
  await writeFile(file('array.json'), '[1, 2]');
  await writeFile(file('bad-source.json'), JSON.stringify({ ...ECHO_PIPELINE, source: 'missing_1' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(PROFILES)('start / stop (%s)', (profile) => {
  const sim = useSimulator(profile);

  it('start prints the task token and leaves the task running after the command has exited', async () => {
    const engine = await sim();
    const r = await runIn(engine, ['start', file('echo.json')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`);
    const task = engine.tasks().find((t) => t.token === token);
    expect(task).toMatchObject({ projectId: ECHO_PIPELINE.project_id, completed: false, name: 'echo.My webhook' });
    expect(engine.connectionCount()).toBe(0);
  });

  it('start --json prints the engine answer; --threads is sent; a second start fails, --use-existing returns the same task', async () => {
    const engine = await sim();
    const first = await runIn(engine, ['start', file('echo.json'), '--json', '--threads', '4']);
    expect(first.code).toBe(0);
    const answer = JSON.parse(first.stdout) as { token: string; projectId: string; source: string };
    expect(answer).toMatchObject({ projectId: ECHO_PIPELINE.project_id, source: 'webhook_1', token: expect.any(String) });
    expect(engine.requests().find((q) => q.command === 'execute')?.arguments.threads).toBe(4);
    const again = await runIn(engine, ['start', file('echo.json')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('rocketride-streams: Pipeline is already running. (ERR_EXECUTE)\n');
    const reused = await runIn(engine, ['start', file('echo.json'), '--use-existing']);
    expect(reused).toMatchObject({ code: 0, stdout: `${answer.token}\n` });
  });

  it("start of a pipeline whose source names no component fails before RUNNING with the engine's message", async () => {
    const engine = await sim();
    const r = await runIn(engine, ['start', file('bad-source.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocketride-streams: Pipeline source component "missing_1" not found in components list (ERR_EXECUTE)\n');
    expect(r.stdout).toBe('');
    expect(engine.tasks().filter((t) => !t.completed)).toEqual([]);
  });

  it('stop --token terminates the task; --json says so as JSON', async () => {
    const engine = await sim();
    const token = (await runIn(engine, ['start', file('echo.json')])).stdout.trim();
    const r = await runIn(engine, ['stop', '--token', token, '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ token, stopped: true });
    expect(engine.tasks().find((t) => t.token === token)?.completed).toBe(true);
    const plain = await runIn(engine, ['stop', '--token', (await runIn(engine, ['start', file('echo.json')])).stdout.trim()]);
    expect(plain.stdout).toMatch(/^stopped \S+\n$/);
  });

  it("stop of a task that is not running fails with the engine's message and ERR_TERMINATE", async () => {
    const engine = await sim();
    const r = await runIn(engine, ['stop', '--token', 'tk_nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocketride-streams: Your pipeline is not running (ERR_TERMINATE)\n');
  });

  it.each([
    [['start', 'not-json.json'], 'The pipeline file FILE is not valid JSON (ERR_INVALID_PIPELINE)'],
    [['start', 'array.json'], 'The pipeline file FILE does not hold a JSON object (ERR_INVALID_PIPELINE)'],
    [['start', 'missing.json'], 'Cannot read the pipeline file FILE: ENOENT (ERR_INVALID_PIPELINE)'],
  ])('%j → exit 1 with the coded reason, nothing sent to the engine', async (argv, message) => {
    const engine = await sim();
    const path = file(argv[1]!);
    const r = await runIn(engine, [argv[0]!, path]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `rocketride-streams: ${message.replace('FILE', path)}\n` });
    expect(engine.requests()).toEqual([]);
  });

  it.each([
    [['start'], 'usage: rocketride-streams start <pipeline.json>'],
    [['start', 'a.json', 'b.json'], 'usage: rocketride-streams start <pipeline.json>'],
    [['start', 'echo.json', '--threads', '0'], 'start: --threads must be a whole number from 1 to 1024, got 0'],
    [['start', 'echo.json', '--threads', '2.5'], 'start: --threads must be a whole number from 1 to 1024, got 2.5'],
    [['start', 'echo.json', '--threads=-1'], 'start: --threads must be a whole number from 1 to 1024, got -1'],
    [['start', 'echo.json', '--bogus'], "Unknown option '--bogus'"],
    [['stop'], 'stop: --token T is required'],
    [['stop', '--token', ' '], 'stop: --token T is required'],
    [['stop', '--token', 'T', 'extra'], "Unexpected argument 'extra'"],
  ])('%j → exit 2 with the reason and the usage, nothing sent', async (argv, reason) => {
    const engine = await sim();
    const r = await runIn(engine, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`rocketride-streams: ${reason}`);
    expect(r.stderr).toContain('Usage: rocketride-streams <command>');
    expect(r.stdout).toBe('');
    expect(engine.requests()).toEqual([]);
  });

  it('without --uri or ROCKETRIDE_URI, start and stop refuse (an embedded engine would end with the command)', async () => {
    for (const argv of [['start', file('echo.json')], ['stop', '--token', 'T']]) {
      const r = await runIn(undefined, argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('rocketride-streams: No engine: give --uri or set ROCKETRIDE_URI');
    }
  });
});
