import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { type Engine, startEngine } from 'rocketride-streams';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from './index.js';

// `upload` in-process against the simulator, whose answer to the open of slow.txt is withheld: the
// other files finish while slow.txt is still pending, and the view must already show them finished.
let dir: string;
let engine: Engine | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rr-cli-progress-'));
  await writeFile(join(dir, 'echo.json'), JSON.stringify(ECHO_PIPELINE));
  await writeFile(join(dir, 'a.txt'), 'alpha');
  await writeFile(join(dir, 'b.txt'), 'beta');
  await writeFile(join(dir, 'slow.txt'), 'slow');
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `upload a.txt b.txt slow.txt` with the open of slow.txt never answered until aborted. */
async function uploadWithSlowFile(stdout: { isTTY: boolean; columns?: number; rows?: number }) {
  engine = await startEngine({ apiKey: 'K' });
  engine.faults.withholdResponse((r) => r.arguments.subcommand === 'open' && (r.arguments.object as { name?: string } | undefined)?.name === 'slow.txt');
  const out = { stdout: '', stderr: '' };
  const controller = new AbortController();
  const files = ['a.txt', 'b.txt', 'slow.txt'].map((f) => join(dir, f));
  const exit = run(['upload', ...files, '--pipeline', join(dir, 'echo.json'), '--uri', engine.uri, '--apikey', 'K'], {
    stdout: { write: (t: string) => (out.stdout += t), ...stdout },
    stderr: { write: (t: string) => (out.stderr += t), isTTY: false },
    env: {},
    signal: controller.signal,
  });
  return { out, exit, abort: () => controller.abort() };
}

describe('upload marks each file done when its result arrives', () => {
  it('on a terminal: finished files are drawn ✓ and counted as done while another file is still pending', async () => {
    const { out, exit, abort } = await uploadWithSlowFile({ isTTY: true, columns: 100, rows: 3 });
    // rows 3: the pending file, then the summary of the rest
    await vi.waitFor(() => expect(out.stdout).toContain('… 2 more (2 done, 0 failed, 3 files)'), { timeout: 10_000 });
    // the latest frame: slow.txt, still waiting for its pipe (no mark), then the summary
    const rows = out.stdout.split('\x1b[2K').slice(-2);
    expect(rows[0]).toMatch(/^ {2}slow\.txt +\[-{20}\] +0%/);
    expect(rows[1]).toBe('  … 2 more (2 done, 0 failed, 3 files)\n');
    expect(engine!.pipes().filter((p) => p.state === 'closed').map((p) => p.object.name).sort()).toEqual(['a.txt', 'b.txt']);
    abort();
    expect(await exit).toBe(1);
    expect(out.stdout.split('\x1b[2K').at(-1)).toBe('  … 2 more (2 done, 1 failed, 3 files)\n');
    expect(out.stderr).toMatch(/^3 file\(s\): 2 uploaded, 1 failed \(task \S+\)\n$/);
  });

  it('without a terminal: one line per finished file on stderr while another is pending; the results on stdout at the end', async () => {
    const { out, exit, abort } = await uploadWithSlowFile({ isTTY: false });
    await vi.waitFor(() => expect(out.stderr.split('\n').filter((l) => l.startsWith('['))).toHaveLength(2), { timeout: 10_000 });
    const early = out.stderr.split('\n').filter(Boolean);
    expect(early.sort()).toEqual([expect.stringMatching(/^\[1\/3\] ok \S+\/(a|b)\.txt \d B$/), expect.stringMatching(/^\[2\/3\] ok \S+\/(a|b)\.txt \d B$/)]);
    expect(out.stdout).toBe('');
    abort();
    expect(await exit).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines[2]).toMatch(/^\[3\/3\] failed \S+\/slow\.txt: .*\(ERR_ABORTED\)$/);
    expect(lines[3]).toMatch(/^3 file\(s\): 2 uploaded, 1 failed \(task \S+\)$/);
    expect(out.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual([
      `ok ${join(dir, 'a.txt')}`,
      `ok ${join(dir, 'b.txt')}`,
      `failed ${join(dir, 'slow.txt')}`,
    ]);
  });
});
