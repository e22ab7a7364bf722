import { basename } from 'node:path';
import { formatBytes } from './format.js';
import type { Output } from './context.js';

/** The state of one file's bar. */
export interface BarState {
  name: string;
  /** Bytes the engine acknowledged. */
  done: number;
  /** Size, when known. */
  total: number | undefined;
  status: 'waiting' | 'active' | 'ok' | 'failed';
  /** Short failure text. */
  note?: string;
}

const MARK: Record<BarState['status'], string> = { waiting: ' ', active: '>', ok: '✓', failed: '✗' };

/** One line: `✓ name  [##########----------]  50%  1.0 MiB/2.0 MiB`, cut to `columns`. */
export function renderBar(s: BarState, columns: number, nameWidth: number): string {
  const name = s.name.length > nameWidth ? `${s.name.slice(0, nameWidth - 1)}…` : s.name.padEnd(nameWidth);
  const ratio = s.status === 'ok' ? 1 : s.total ? Math.min(1, s.done / s.total) : 0;
  const width = 20;
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  const size = s.total === undefined ? formatBytes(s.done) : `${formatBytes(s.done)}/${formatBytes(s.total)}`;
  const tail = s.status === 'failed' ? `failed: ${s.note ?? ''}` : size;
  const line = `${MARK[s.status]} ${name} ${bar} ${pct}  ${tail}`;
  return line.length > columns ? `${line.slice(0, Math.max(1, columns - 1))}…` : line;
}

/**
 * The lines to draw: one bar per file when they fit in `rows - 1` lines; otherwise the active and failed
 * files first, then a summary line of the rest.
 */
export function renderBars(states: readonly BarState[], columns: number, rows: number): string[] {
  const nameWidth = Math.min(32, Math.max(8, ...states.map((s) => s.name.length)));
  const room = Math.max(2, rows - 1);
  if (states.length <= room) return states.map((s) => renderBar(s, columns, nameWidth));
  const rank = { active: 0, failed: 1, waiting: 2, ok: 3 } as const;
  const shown = [...states].sort((a, b) => rank[a.status] - rank[b.status]).slice(0, room - 1);
  const ok = states.filter((s) => s.status === 'ok').length;
  const failed = states.filter((s) => s.status === 'failed').length;
  const summary = `  … ${states.length - shown.length} more (${ok} done, ${failed} failed, ${states.length} files)`;
  return [...shown.map((s) => renderBar(s, columns, nameWidth)), summary.slice(0, columns)];
}

/** Draws the bars on a terminal, redrawn in place at most every `intervalMs`. */
export class ProgressBars {
  readonly states: BarState[];
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Output,
    paths: readonly string[],
    private readonly intervalMs = 100,
  ) {
    this.states = paths.map((p) => ({ name: basename(p), done: 0, total: undefined, status: 'waiting' }));
    this.draw();
  }

  update(index: number, patch: Partial<BarState>): void {
    const s = this.states[index];
    // A finished file stays finished (no late progress turns it back into "in progress").
    if (!s || s.status === 'ok' || s.status === 'failed') return;
    Object.assign(s, patch);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.draw();
    }, this.intervalMs);
  }

  /** Draws the final state and stops. */
  finish(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.draw();
  }

  private draw(): void {
    const lines = renderBars(this.states, this.out.columns || 80, this.out.rows || 24); // 0 on some pseudo-terminals
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    this.#drawn = lines.length;
  }
}
