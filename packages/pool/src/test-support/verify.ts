import type { PoolFileResult } from '../index.js';
import type { TestFile } from './files.js';
import type { Snapshot } from './sims.js';

/** Closed (committed) pipes per object name over several engines' snapshots, with the engine holding each. */
export function commits(snapshots: Record<string, Snapshot>): Map<string, Array<{ engine: string; sha256: string }>> {
  const byName = new Map<string, Array<{ engine: string; sha256: string }>>();
  for (const [engine, snapshot] of Object.entries(snapshots)) {
    for (const pipe of snapshot.pipes) {
      if (pipe.state !== 'closed') continue;
      const list = byName.get(pipe.name) ?? [];
      list.push({ engine, sha256: pipe.sha256! });
      byName.set(pipe.name, list);
    }
  }
  return byName;
}

/** How many results each engine committed. */
export function split(results: readonly PoolFileResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) if (r.status === 'committed') out[r.engine!] = (out[r.engine!] ?? 0) + 1;
  return out;
}

/**
 * For each file: its result, and the commits the engines hold for it. `problems` lists every file where they
 * disagree with exactly-once: a committed file must be held exactly once, by the engine its result names, with
 * the source's SHA-256.
 */
export function exactlyOnce(files: readonly TestFile[], results: readonly PoolFileResult[], held: ReturnType<typeof commits>): string[] {
  const problems: string[] = [];
  files.forEach((file, i) => {
    const r = results[i]!;
    const list = held.get(file.name) ?? [];
    if (r.status === 'committed') {
      if (list.length !== 1) problems.push(`${file.name}: committed ${list.length} times (${list.map((c) => c.engine).join(', ')})`);
      else if (list[0]!.engine !== r.engine) problems.push(`${file.name}: result names ${r.engine}, committed on ${list[0]!.engine}`);
      else if (list[0]!.sha256 !== file.sha256) problems.push(`${file.name}: SHA-256 differs from the source`);
    }
  });
  return problems;
}
