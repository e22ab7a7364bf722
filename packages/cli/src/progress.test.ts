import { describe, expect, it } from 'vitest';
import { type BarState, ProgressBars, renderBar, renderBars } from './progress.js';

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
