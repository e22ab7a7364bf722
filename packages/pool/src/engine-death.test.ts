import { createHash, randomBytes } from 'node:crypto';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPool, type PoolFileResult, type PoolTask, type RocketRidePool } from './index.js';
import { sharedBatch } from './test-support/files.js';
import { type Sim, type Snapshot, startSim, startSims } from './test-support/sims.js';
import { commits, exactlyOnce, split } from './test-support/verify.js';

let sims: Sim[] = [];
let restarted: Sim | undefined;
let pool: RocketRidePool | undefined;
const data = { files: sharedBatch() };
const NAMES = ['engine-0', 'engine-1', 'engine-2'];
const VICTIM = 1;

beforeAll(async () => {
  sims = await startSims(3, { apiKey: 'pool-key' });
});
afterAll(async () => {
  await pool?.disconnect();
  await Promise.all([...sims, ...(restarted ? [restarted] : [])].map((s) => s.stop()));
});

/** Waits (bounded) until the engine's replica of `task` is back in rotation. */
async function backInRotation(task: PoolTask, engine: string, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (task.replicas.find((r) => r.engine === engine)?.ready) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('one of three simulator processes SIGKILLed in the middle of a 200-file batch (issue 14)', () => {
  it('every file is committed exactly once on the survivors or reported commit-unknown; the pool goes on and takes the engine back after its restart', async () => {
    pool = await connectPool({
      engines: sims.map((s, i) => ({ uri: s.uri, name: NAMES[i] })),
      auth: 'pool-key',
      env: {},
      reconnectDelay: 50,
      maxReconnectDelay: 300,
    });
    const task = await pool.use(ECHO_PIPELINE, { replicas: 'all' });
    let done = 0;
    let dying: Promise<Snapshot> | undefined;
    let openOnVictimAtKill = 0;
    const results: PoolFileResult[] = await task.uploadFiles(
      data.files.map((f) => f.path),
      {
        onResult: () => {
          done++;
          // A third of the way in, with the victim holding pipes: kill it (SIGKILL, no goodbye).
          if (dying === undefined && done >= 60) {
            openOnVictimAtKill = task.replicas[VICTIM]!.openPipes;
            dying = sims[VICTIM]!.die();
          }
        },
      },
    );
    const dead = await dying!;
    expect(openOnVictimAtKill).toBeGreaterThan(0);

    // Never lost silently: each file is committed, or commit-unknown (close sent to the victim, no answer).
    const byStatus = (s: string) => results.filter((r) => r.status === s);
    expect(results.filter((r) => r.status !== 'committed' && r.status !== 'commit-unknown').map((r) => `${r.path}: ${r.status} ${r.error?.message}`)).toEqual([]);
    const unknown = byStatus('commit-unknown');
    for (const r of unknown) {
      expect(r.engine).toBe(NAMES[VICTIM]);
      expect((r.error as { code?: string }).code).toBe('ERR_COMMIT_UNKNOWN');
    }
    const resent = results.filter((r) => r.attempts > 1);
    // Re-sent files went through on a survivor.
    for (const r of resent) expect(r.status === 'committed' && r.engine !== NAMES[VICTIM]).toBe(true);
    expect(resent.length + unknown.length).toBeGreaterThan(0);

    // Exactly once: what the survivors hold now, plus what the victim held at the instant it died.
    const survivors = await Promise.all([0, 2].map((i) => sims[i]!.snapshot()));
    const held = commits({ [NAMES[0]!]: survivors[0]!, [NAMES[VICTIM]!]: dead, [NAMES[2]!]: survivors[1]! });
    expect(exactlyOnce(data.files, results, held)).toEqual([]);
    // A commit-unknown file was not sent again (no retryUnknown): held at most once, and only by the victim.
    for (const r of unknown) {
      const name = data.files.find((f) => f.path === r.path)!.name;
      const list = held.get(name) ?? [];
      expect(list.length).toBeLessThanOrEqual(1);
      for (const c of list) expect(c.engine).toBe(NAMES[VICTIM]);
    }
    console.info(
      `engine death: split ${JSON.stringify(split(results))}, ${resent.length} re-sent, ${unknown.length} commit-unknown ` +
        `(${unknown.filter((r) => (held.get(data.files.find((f) => f.path === r.path)!.name) ?? []).length === 1).length} of them committed before the kill)`,
    );

    // The pool keeps serving new pipes while the victim is down.
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => task.upload(Buffer.from(`after ${i}`), { name: `after-${i}.txt`, mimeType: 'application/octet-stream' })));
    expect(after.map((r) => r.engine).filter((e) => e === NAMES[VICTIM])).toEqual([]);
    expect(pool.health()[VICTIM]!.connected).toBe(false);

    // Restarted on the same port, the engine comes back into rotation (the task started there again).
    restarted = await startSim({ port: sims[VICTIM]!.port, apiKey: 'pool-key' });
    expect(await backInRotation(task, NAMES[VICTIM]!, 15_000)).toBe(true);
    const payloads = Array.from({ length: 6 }, () => randomBytes(4096));
    const back: string[] = [];
    for (const [i, bytes] of payloads.entries()) back.push((await task.upload(bytes, { name: `back-${i}.bin` })).engine);
    expect(back.filter((e) => e === NAMES[VICTIM]).length).toBeGreaterThan(0);
    const fresh = await restarted.snapshot();
    const closed = fresh.pipes.filter((p) => p.state === 'closed');
    expect(closed.map((p) => p.name).sort()).toEqual(back.flatMap((e, i) => (e === NAMES[VICTIM] ? [`back-${i}.bin`] : [])).sort());
    for (const p of closed) expect(p.sha256).toBe(createHash('sha256').update(payloads[Number(p.name.slice(5, -4))]!).digest('hex'));
  }, 90_000);
});
