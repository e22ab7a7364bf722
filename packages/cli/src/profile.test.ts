// `rocketride-streams profile …` in-process against the simulator on 127.0.0.1, under both profiles (PROTOCOL.md §16.H).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES, runIn, useSimulator } from './inprocess-support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-profile-'));
  await writeFile(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the echo pipeline through the CLI; its task token and public token. */
async function task(engine: Engine): Promise<{ token: string; publicToken: string }> {
  return JSON.parse((await runIn(engine, ['start', join(dir, 'echo.json'), '--json'])).stdout) as { token: string; publicToken: string };
}

describe.each(PROFILES)('profile (%s)', (profile) => {
  const sim = useSimulator(profile);

  it('the server process: status idle, start --duration holds the session then prints its report, status shows a report', async () => {
    const engine = await sim();
    expect(await runIn(engine, ['profile', 'status'])).toEqual({ code: 0, stdout: 'idle, no report\n', stderr: '' });
    const held = await runIn(engine, ['profile', 'start', '--session', 'cli-s', '--duration', '0.2']);
    expect(held.code).toBe(0);
    expect(held.stderr).toMatch(/^profiling cli-s \(owner task:\d+\) until 0\.2s have passed\n$/);
    expect(held.stdout).toMatch(/^Session: cli-s\nOwner: task:\d+\nDuration: \d+\.\d\ds\n={80}\n/);
    expect(await runIn(engine, ['profile', 'status'])).toEqual({ code: 0, stdout: 'idle, a report is available\n', stderr: '' });
    const report = await runIn(engine, ['profile', 'report', '--json']);
    expect(JSON.parse(report.stdout)).toEqual({ report: held.stdout });
  });

  it('start without --target holds the session until the signal, then stops it and prints the report', async () => {
    const engine = await sim();
    const controller = new AbortController();
    const r = await runIn(engine, ['profile', 'start'], { signal: controller.signal, onStderr: (t) => t.includes('profiling') && controller.abort() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^profiling session_\d+ \(owner task:\d+\) until interrupted\n$/);
    expect(r.stdout).toMatch(/^Session: session_\d+\nOwner: task:\d+\n/);
    expect((await runIn(engine, ['profile', 'status'])).stdout).toBe('idle, a report is available\n');
  });

  it('start --duration --json prints the start, stop and report bodies as one document', async () => {
    const engine = await sim();
    const r = await runIn(engine, ['profile', 'start', '--duration', '0.1', '--json', '--session', 'j']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as Record<string, Record<string, unknown> | string>;
    expect(out).toEqual({
      started: { status: 'started', session: 'j', owner: expect.stringMatching(/^task:\d+$/), start_time: expect.any(Number) },
      stopped: { status: 'completed', session: 'j', runtime: expect.any(Number) },
      report: expect.stringMatching(/^Session: j\n/),
    });
  });

  it('a task engine (--target): start returns, and stop, status, report work from later commands', async () => {
    const engine = await sim();
    const { token } = await task(engine);
    const start = await runIn(engine, ['profile', 'start', '--target', token, '--session', 'eng']);
    expect(start).toEqual({ code: 0, stdout: 'started eng (owner data:1)\n', stderr: '' });
    expect((await runIn(engine, ['profile', 'status', '--target', token])).stdout).toMatch(/^active eng \(owner data:1, \d+\.\d\ds\)\n$/);
    const again = await runIn(engine, ['profile', 'start', '--target', token]);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'rocketride-streams: Profiling already active (owned by data:1) (ERR_CPROFILE_ACTIVE)\n' });
    const stop = await runIn(engine, ['profile', 'stop', '--target', token, '--json']);
    expect(JSON.parse(stop.stdout)).toMatchObject({ status: 'completed', session: 'eng', runtime: expect.any(Number) });
    expect((await runIn(engine, ['profile', 'report', '--target', token])).stdout).toMatch(/^Session: eng\nOwner: data:1\n/);
    // the server process's profiler is a different one
    expect((await runIn(engine, ['profile', 'status'])).stdout).toBe('idle, no report\n');
  });

  it('stop with no session is a coded failure under both profiles (HEAD answers it as success:true, status:"error")', async () => {
    const engine = await sim();
    const r = await runIn(engine, ['profile', 'stop']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'rocketride-streams: No active profiling session (ERR_CPROFILE_NOT_ACTIVE)\n' });
    const missing = await runIn(engine, ['profile', 'status', '--target', 'tk_nope']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'rocketride-streams: Your pipeline is not running (ERR_CPROFILE_STATUS)\n' });
  });

  it(`a pk_ public token ${profile === 'head' ? 'may profile (HEAD checks no permission)' : "is refused: Permission 'task.debug' denied"}`, async () => {
    const engine = await sim();
    const { publicToken } = await task(engine);
    expect(publicToken).toMatch(/^pk_/);
    const r = await runIn(engine, ['profile', 'status'], { apikey: publicToken });
    if (profile === 'head') expect(r).toEqual({ code: 0, stdout: 'idle, no report\n', stderr: '' });
    else expect(r).toEqual({ code: 1, stdout: '', stderr: "rocketride-streams: Permission 'task.debug' denied (ERR_CPROFILE_STATUS)\n" });
    expect(r.stderr).not.toContain(publicToken);
  });

  it.each([
    [['profile'], 'profile: name a subcommand (start, stop, status, report)'],
    [['profile', 'pause'], 'profile: unknown subcommand pause'],
    [['profile', 'stop', '--session', 's'], 'profile stop: --session is not an option of this subcommand'],
    [['profile', 'report', '--duration', '1'], 'profile report: --duration is not an option of this subcommand'],
    [['profile', 'status', '--target', ''], 'profile status: --target must not be empty'],
    [['profile', 'start', '--duration', '0'], 'profile start: --duration must be a number of seconds above 0 and at most 86400, got 0'],
    [['profile', 'start', '--duration', 'soon'], 'profile start: --duration must be a number of seconds above 0 and at most 86400, got soon'],
    [['profile', 'status', 'extra'], 'usage: rocketride-streams profile status [--target TOKEN] [--json]'],
  ])('%j → exit 2 with the reason and the usage, nothing sent', async (argv, reason) => {
    const engine = await sim();
    const r = await runIn(engine, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`rocketride-streams: ${reason}\n`)).toBe(true);
    expect(engine.requests()).toEqual([]);
  });
});
