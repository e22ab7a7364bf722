import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run, VERSION } from './index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Runs in-process with captured output and an empty environment. */
async function runCaptured(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
  return { code, stdout, stderr };
}

describe('run(argv): argument checking', () => {
  it.each([
    [[], /No command given/],
    [['frobnicate'], /Unknown command: frobnicate/],
    [['upload', 'a.txt'], /--pipeline <file.json> is required/],
    [['upload', '--pipeline', 'echo.json'], /at least one file/],
    [['upload', 'a.txt', '--pipeline', 'echo.json', '--concurrency', 'zero'], /--concurrency must be a positive integer/],
    [['upload', 'a.txt', '--pipeline', 'echo.json', '--concurrency', '0'], /--concurrency must be a positive integer/],
    [['upload', 'a.txt', '--pipeline', 'echo.json', '--mime', 'nonsense'], /--mime must be a MIME type/],
    [['upload', 'a.txt', '--pipeline'], /--pipeline/],
    [['upload', 'a.txt', '--pipeline', 'echo.json', '--bogus'], /Unknown option '--bogus'/],
    [['status'], /--token T is required/],
    [['status', '--token', 'T', 'extra'], /Unexpected argument 'extra'/],
    [['events', '--token', 'T', '--types', 'SUMMARY,NOPE'], /--types takes/],
    [['events', '--token', 'T', '--types', ','], /--types takes/],
    [['status', '--token', 'T'], /No engine: give --uri or set ROCKETRIDE_URI/],
    [['events', '--token', 'T'], /No engine/],
    [['sim', '--profile', 'weird'], /--profile must be intended or head/],
    [['sim', '--port', '70000'], /invalid --port 70000/],
    [['help', 'nope'], /help: unknown command nope \(commands: upload, events, status, store, start, stop, deploy, dashboard, profile, sim\)/],
    [['help', 'upload', 'status'], /help takes one command name, got 2/],
  ])('%j → 2, the reason and the usage on stderr, nothing on stdout', async (argv, reason) => {
    const r = await runCaptured(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason as RegExp);
    expect(r.stderr).toContain('Usage: rocketride-streams <command>');
    expect(r.stdout).toBe('');
  });

  it.each([['--help'], ['-h'], ['help'], ['upload', '--help']])('%s prints the usage on stdout with 0', async (...argv) => {
    const r = await runCaptured(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: rocketride-streams <command>');
    expect(r.stderr).toBe('');
  });

  it('a pipeline file that does not exist is a failure (1), not a usage error', async () => {
    const r = await runCaptured(['upload', 'a.txt', '--pipeline', '/nonexistent/echo.json', '--uri', 'ws://127.0.0.1:1', '--apikey', 'k']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocketride-streams: Cannot read the pipeline file /nonexistent/echo.json: ENOENT\n');
    expect(r.stderr).not.toContain('Usage:');
  });

  it.each([['--version'], ['-v']])('%s prints the package version on stdout with 0', async (flag) => {
    const r = await runCaptured([flag]);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(VERSION).toBe(pkg.version);
  });

  it.each([
    ['upload', 'Usage: rocketride-streams upload <files...> --pipeline <file.json>', true],
    ['events', 'Usage: rocketride-streams events --token T [--types SUMMARY,TASK]', true],
    ['status', 'Usage: rocketride-streams status --token T', true],
    ['sim', 'Usage: rocketride-streams sim [--port 5565]', false],
  ])('help %s prints that command\'s usage (and the engine options when it takes them) on stdout with 0', async (command, synopsis, engine) => {
    const r = await runCaptured(['help', command]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(synopsis)).toBe(true);
    expect(r.stdout).not.toContain('Usage: rocketride-streams <command>');
    expect(r.stdout.includes('--uri URI')).toBe(engine);
    expect(r.stdout).toContain('Exit codes: 0 done, 1 failed, 2 bad arguments.');
  });

  it('the full usage lists help <command> and --version', async () => {
    const r = await runCaptured(['help']);
    expect(r.stdout).toContain('  help [command]\n');
    expect(r.stdout).toContain('  --version, -v    print the version\n');
  });
});
