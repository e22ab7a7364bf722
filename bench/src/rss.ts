/**
 * The peak-RSS measurement the client-cost and streams benches share: the bench re-runs its own script as
 * `--rss-child <who> <uri>` in a fresh process, which streams a generated source through one client and prints its
 * peak resident set in MiB as its last line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A source of `totalMiB` MiB in 64 KiB chunks, produced on demand (so the source itself holds almost nothing). */
export function generatedSource(totalMiB: number): Readable {
  const total = totalMiB * MiB;
  let produced = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (produced >= total) return void this.push(null);
      produced += CHUNK;
      this.push(Buffer.allocUnsafe(CHUNK));
    },
  });
}

/** Runs `script --rss-child who uri` in a fresh process and returns the peak RSS (MiB) it printed last. */
export function childPeakMiB(script: string, who: string, uri: string): number {
  const r = spawnSync(process.execPath, [script, '--rss-child', who, uri], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rss child failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

/** In the child, last: prints this process's peak RSS in MiB. */
export function printPeakMiB(): void {
  console.log((peakRss() / MiB).toFixed(1));
}

/**
 * This process's peak resident set, from the kernel's high-water mark (`VmHWM`). Not `resourceUsage().maxRSS`:
 * Linux carries that figure across exec, so a child would report its parent's peak.
 */
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage.rss();
}
