// The usage lists the server-tool commands (issue 13), and `help <command>` prints each one's.
import { describe, expect, it } from 'vitest';
import { runIn } from './inprocess-support.js';

const SYNOPSES: Record<string, string> = {
  start: 'start <pipeline.json> [--use-existing] [--threads N] [--json]',
  stop: 'stop --token T [--json]',
  deploy: 'deploy add <pipeline.json> [--schedule S] | ls | status <projectId> | rm <projectId>',
  dashboard: 'dashboard [--interval S] [--once] [--json]',
  profile: 'profile start [--target T] [--session NAME] [--duration S] | stop | status | report',
};

describe('help for start, stop, deploy, dashboard, profile', () => {
  it('--help lists each of them with its synopsis', async () => {
    const r = await runIn(undefined, ['--help']);
    expect(r.code).toBe(0);
    for (const synopsis of Object.values(SYNOPSES)) expect(r.stdout).toContain(`\n  ${synopsis}`);
    expect(r.stdout).toContain('Engine (every command but sim):');
  });

  it.each(Object.entries(SYNOPSES))('help %s prints its usage, the engine options and the exit codes', async (command, synopsis) => {
    const r = await runIn(undefined, ['help', command]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.startsWith(`Usage: rocketride-streams ${synopsis}`)).toBe(true);
    expect(r.stdout).toContain('--uri URI');
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('Exit codes: 0 done, 1 failed, 2 bad arguments.');
  });
});
