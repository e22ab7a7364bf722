import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BarState, ProgressBars, renderBar, renderBars } from './progress.js';
import { ProgressLines } from './progress-lines.js';

/** A stream like process.stdout/stderr, on a terminal or not, that keeps what is written. */
function fakeStream(isTTY: boolean, size: { columns?: number; rows?: number } = {}) {
  const writes: string[] = [];
  return { writes, stream: { write: (t: string) => writes.push(t), isTTY, ...size } };
}

afterEach(() => {
  vi.useRealTimers();
});

const bar = (patch: Partial<BarState>): BarState => ({ name: 'a.bin', done: 0, total: undefined, status: 'waiting', ...patch });

describe('progress bars', () => {
  it('draws the acknowledged share of the size', () => {
    expect(renderBar(bar({ status: 'active', done: 512, total: 2048 }), 80, 8)).toBe('> a.bin    [#####---------------]  25%  512 B/2.0 KiB');
    expect(renderBar(bar({ status: 'ok', done: 2048, total: 2048 }), 80, 8)).toMatch(/^✓ a\.bin {4}\[#{20}\] 100%/);
    expect(renderBar(bar({ status: 'failed', note: 'boom (ERR_X)' }), 80, 8)).toMatch(/failed: boom \(ERR_X\)$/);
  });

  it('fits the terminal: lines cut to the width, files beyond the height summarised', () => {
    expect(renderBar(bar({ name: 'x'.repeat(100) }), 40, 32)).toHaveLength(40);
    const many = Array.from({ length: 30 }, (_, i) => bar({ name: `f${i}`, status: i === 29 ? 'active' : 'ok' }));
    const lines = renderBars(many, 80, 10);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^> f29/);
    expect(lines[8]).toBe('  … 22 more (29 done, 0 failed, 30 files)');
  });

  it('redraws in place: moves the cursor up over the previous bars', () => {
    const writes: string[] = [];
    const bars = new ProgressBars({ write: (t: string) => writes.push(t), isTTY: true, columns: 80, rows: 24 }, ['/tmp/a.txt', 'b.txt']);
    bars.update(1, { status: 'active', done: 1, total: 2 });
    bars.finish();
    expect(writes).toHaveLength(2);
    expect(writes[0]!.startsWith('\x1b[2K  a.txt')).toBe(true);
    expect(writes[1]!.startsWith('\x1b[2A')).toBe(true);
    expect(writes[1]).toContain('> b.txt    [##########----------]  50%');
  });
});

describe('progress bars on a terminal (isTTY true)', () => {
  it('draws a file done (✓) as soon as its result arrives, counted in the summary, while the others still run', () => {
    vi.useFakeTimers();
    const { writes, stream } = fakeStream(true, { columns: 80, rows: 3 });
    const bars = new ProgressBars(stream, ['a.txt', 'b.txt', 'slow.bin']);
    bars.update(2, { status: 'active', done: 10, total: 100 });
    bars.update(0, { status: 'ok', done: 5 });
    bars.update(1, { status: 'failed', note: 'refused (ERR_X)' });
    vi.advanceTimersByTime(100);
    // two rows: the active file, then the summary of the finished ones; no finish() yet
    const frame = writes.at(-1)!.split('\n').filter(Boolean);
    expect(frame).toHaveLength(2);
    expect(frame[0]).toContain('> slow.bin');
    expect(frame[1]).toContain('… 2 more (1 done, 1 failed, 3 files)');
  });

  it('a late progress report does not turn a finished file back into "in progress"', () => {
    const { writes, stream } = fakeStream(true, { columns: 80, rows: 24 });
    const bars = new ProgressBars(stream, ['a.txt']);
    bars.update(0, { status: 'ok', done: 5, total: 5 });
    bars.update(0, { status: 'active', done: 3, total: 5 });
    bars.finish();
    expect(bars.states[0]!.status).toBe('ok');
    expect(writes.at(-1)).toContain('✓ a.txt');
  });
});

describe('progress lines without a terminal (isTTY false)', () => {
  it('writes one line per file the moment it finishes, numbered in finishing order, with the size or the coded error', () => {
    const { writes, stream } = fakeStream(false);
    const lines = new ProgressLines(stream, ['dir/a.txt', 'b.txt', 'c.bin']);
    expect(writes).toEqual([]);
    lines.update(1, { status: 'active', done: 0, total: 4 });
    expect(writes).toEqual([]);
    lines.update(1, { status: 'ok', done: 4 });
    expect(writes).toEqual(['[1/3] ok b.txt 4 B\n']);
    lines.update(2, { status: 'failed', note: 'Invalid UTF-8 (ERR_INVALID_UTF8)' });
    lines.update(0, { status: 'ok', done: 2048 });
    expect(writes).toEqual(['[1/3] ok b.txt 4 B\n', '[2/3] failed c.bin: Invalid UTF-8 (ERR_INVALID_UTF8)\n', '[3/3] ok dir/a.txt 2.0 KiB\n']);
    // reported once: a second result for the same file writes nothing
    lines.update(0, { status: 'ok', done: 2048 });
    expect(writes).toHaveLength(3);
    lines.finish();
  });

  it('counts the bytes of a long file every interval, from the second interval it has been uploading; stops at finish()', () => {
    vi.useFakeTimers();
    const { writes, stream } = fakeStream(false);
    const lines = new ProgressLines(stream, ['big.bin', 'small.txt', 'unsized'], 1000);
    lines.update(0, { status: 'active', done: 0, total: 4 * 1024 * 1024 });
    lines.update(2, { status: 'active', done: 0 });
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual([]); // a file that just started gets no count yet
    lines.update(0, { done: 1024 * 1024 });
    lines.update(1, { status: 'active', done: 0, total: 3 });
    lines.update(1, { status: 'ok', done: 3 });
    lines.update(2, { done: 1500 });
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual(['[1/3] ok small.txt 3 B\n', '… big.bin: 1.0 MiB/4.0 MiB (25%) acknowledged\n', '… unsized: 1.5 KiB acknowledged\n']);
    lines.update(0, { done: 2 * 1024 * 1024 });
    vi.advanceTimersByTime(1000);
    expect(writes.at(-2)).toBe('… big.bin: 2.0 MiB/4.0 MiB (50%) acknowledged\n');
    lines.finish();
    const before = writes.length;
    vi.advanceTimersByTime(5000);
    expect(writes).toHaveLength(before);
  });
});
