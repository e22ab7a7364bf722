import type { Output } from './context.js';
import { formatBytes } from './format.js';
import type { BarState } from './progress.js';

/** `[2/3] ok a.txt 5 B` or `[2/3] failed c.bin: message (CODE)`: the `n`-th of `total` files to finish. */
export function finishedLine(s: BarState, n: number, total: number): string {
  const count = `[${n}/${total}]`;
  return s.status === 'failed' ? `${count} failed ${s.name}: ${s.note ?? ''}` : `${count} ok ${s.name} ${formatBytes(s.done)}`;
}

/** `… big.bin: 1.0 MiB/4.0 MiB (25%) acknowledged`, or without the size when it is unknown. */
export function countLine(s: BarState): string {
  const size = s.total ? `${formatBytes(s.done)}/${formatBytes(s.total)} (${Math.floor((100 * Math.min(s.done, s.total)) / s.total)}%)` : formatBytes(s.done);
  return `… ${s.name}: ${size} acknowledged`;
}

/**
 * Progress where there is no terminal to redraw (a log, CI): one line per file as soon as it is
 * finished, and every `intervalMs` a byte count of each file that was already uploading at the
 * previous count (so a short file gets only its finished line).
 */
export class ProgressLines {
  readonly states: BarState[];
  #finished = 0;
  /** Per file: counts it has been uploading through. */
  readonly #ticks: number[];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly out: Output,
    paths: readonly string[],
    intervalMs = 10_000,
  ) {
    this.states = paths.map((p) => ({ name: p, done: 0, total: undefined, status: 'waiting' }));
    this.#ticks = paths.map(() => 0);
    this.#timer = setInterval(() => this.tick(), intervalMs);
    this.#timer.unref();
  }

  update(index: number, patch: Partial<BarState>): void {
    const s = this.states[index];
    if (!s || s.status === 'ok' || s.status === 'failed') return;
    Object.assign(s, patch);
    if (patch.status === 'ok' || patch.status === 'failed') this.out.write(`${finishedLine(s, ++this.#finished, this.states.length)}\n`);
  }

  /** Writes the byte count of each file that has been uploading since the previous tick (the timer calls it). */
  tick(): void {
    for (const [i, s] of this.states.entries()) {
      if (s.status !== 'active') continue;
      if (this.#ticks[i]!++ > 0) this.out.write(`${countLine(s)}\n`);
    }
  }

  /** Stops the periodic counts. */
  finish(): void {
    clearInterval(this.#timer);
  }
}
