// `rocketride-streams dashboard` in-process (and once through the bin) against the simulator on 127.0.0.1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROFILES, runIn, useSimulator } from './inprocess-support.js';
import { buildBin, cleanEnv, killAll, startCli } from './test-support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-dash-'));
  await writeFile(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startTask(engine: Engine): Promise<{ token: string; publicToken: string }> {
  return JSON.parse((await runIn(engine, ['start', join(dir, 'echo.json'), '--json'])).stdout) as { token: string; publicToken: string };
}

const originalSetInterval = globalThis.setInterval;
const originalClearInterval = globalThis.clearInterval;

describe.each(PROFILES)('dashboard (%s)', (profile) => {
  const sim = useSimulator(profile);

  it('--once --json: one JSON line, the snapshot with the running task and the CLI\'s own connection', async () => {
    const engine = await sim();
    await startTask(engine);
    const r = await runIn(engine, ['dashboard', '--once', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const snap = JSON.parse(r.stdout) as { overview: Record<string, number>; tasks: Array<Record<string, unknown>>; connections: Array<Record<string, unknown>> };
    expect(snap.overview).toMatchObject({ activeTasks: 1, totalConnections: 1 });
    expect(snap.tasks.map((t) => [t.projectId, t.completed])).toEqual([[ECHO_PIPELINE.project_id, false]]);
    expect(snap.connections[0]).toMatchObject({ clientInfo: { name: 'rocketride-streams-cli' }, authenticated: true });
    expect(snap.connections[0]).not.toHaveProperty('apikey');
  });

  it('off a terminal it polls, one JSON line per snapshot, until the signal: exit 0 and no interval timer left behind', async () => {
    const engine = await sim();
    // Every interval timer started during the command (the poll loop's among them) must be cleared by its end.
    const started = new Set<unknown>();
    const setSpy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((...args: Parameters<typeof setInterval>) => {
      const handle = originalSetInterval(...args);
      started.add(handle);
      return handle;
    }) as typeof setInterval);
    const clearSpy = vi.spyOn(globalThis, 'clearInterval').mockImplementation(((handle: Parameters<typeof clearInterval>[0]) => {
      started.delete(handle);
      originalClearInterval(handle);
    }) as typeof clearInterval);
    const controller = new AbortController();
    const r = await runIn(engine, ['dashboard', '--interval', '0.1'], {
      signal: controller.signal,
      onStdout: (out) => out.split('\n').length > 3 && controller.abort(),
    });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ overview: expect.any(Object), tasks: [], connections: expect.any(Array) });
    setSpy.mockRestore();
    clearSpy.mockRestore();
    expect(started.size).toBe(0);
    expect(engine.connectionCount()).toBe(0);
  });

  it('on a terminal, a table redrawn in place over the previous one; --once draws it once', async () => {
    const engine = await sim();
    await startTask(engine);
    const once = await runIn(engine, ['dashboard', '--once'], { tty: 100 });
    expect(once.code).toBe(0);
    expect(once.stdout).not.toContain('\x1b[A');
    expect(once.stdout).toContain('TASK');
    expect(once.stdout).toContain('echo.My webhook');
    const controller = new AbortController();
    const live = await runIn(engine, ['dashboard', '--interval', '0.1'], { tty: 100, signal: controller.signal, onStdout: (out) => out.includes('\x1b[') && out.split('uptime').length > 2 && controller.abort() });
    expect(live.code).toBe(0);
    const drawn = live.stdout.split('uptime').length - 1;
    expect(drawn).toBeGreaterThanOrEqual(2);
    // overview, blank, task header, one task, blank, connection header, this connection: 7 lines to go back up
    expect(live.stdout).toContain('\x1b[7A');
    // --json keeps JSON lines on a terminal too
    const json = await runIn(engine, ['dashboard', '--once', '--json'], { tty: 100 });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it("a pk_ token lacks task.monitor: exit 1 with the engine's message, with --once and while polling", async () => {
    const engine = await sim();
    const { publicToken } = await startTask(engine);
    for (const argv of [['dashboard', '--once'], ['dashboard', '--interval', '0.1']]) {
      const r = await runIn(engine, argv, { apikey: publicToken });
      expect(r).toEqual({ code: 1, stdout: '', stderr: "rocketride-streams: Permission 'task.monitor' denied (ERR_DASHBOARD)\n" });
    }
  });

  it.each([
    [['dashboard', '--interval', '0'], 'dashboard: --interval must be a number of seconds from 0.1 to 86400, got 0'],
    [['dashboard', '--interval', 'often'], 'dashboard: --interval must be a number of seconds from 0.1 to 86400, got often'],
    [['dashboard', '--interval', '0.05'], 'dashboard: --interval must be a number of seconds from 0.1 to 86400, got 0.05'],
    [['dashboard', '--once', '--interval', '1'], 'dashboard: --once and --interval do not go together'],
    [['dashboard', 'now'], "Unexpected argument 'now'"],
  ])('%j → exit 2 with the reason and the usage, nothing sent', async (argv, reason) => {
    const engine = await sim();
    const r = await runIn(engine, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`rocketride-streams: ${reason}`)).toBe(true);
    expect(engine.requests()).toEqual([]);
  });
});

describe('dashboard through the bin', () => {
  const sim = useSimulator('intended');
  beforeAll(buildBin, 60_000);
  afterEach(killAll);

  it('prints JSON lines off a terminal and exits 0 on SIGINT', async () => {
    const engine = await sim();
    const cli = startCli(['dashboard', '--interval', '0.1'], { cwd: dir, env: cleanEnv({ ROCKETRIDE_URI: engine.uri, ROCKETRIDE_APIKEY: 'K' }) });
    await cli.line((l) => l.includes('"overview"'));
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(0);
    for (const l of cli.stdout().trimEnd().split('\n')) expect(JSON.parse(l)).toHaveProperty('overview');
    expect(cli.stderr()).toBe('');
  });
});
