/**
 * Pool benchmarks (issue 14): how aggregate throughput scales with the number of engine processes behind one
 * `connectPool()`, on this machine. Each engine is a simulator in its own process (`rocketride-sim`, which keeps
 * no payload); the client is this process.
 *   1. `poolTask.uploadFiles` of 100 × 1 MiB with 1, 2 and 3 engines (5 pipes per engine);
 *   2. one 256 MiB object per engine, all in parallel (`poolTask.upload`, least-pipes puts one on each engine).
 * Each figure is the median over BENCH_ROUNDS rounds, against the single-engine figure of the same run, with the
 * CPU seconds the client and the engines used (from /proc), which is what bounds the scaling on a small machine.
 * Env: BENCH_ROUNDS (default 3), BENCH_POOL_OBJECT_MIB (256), BENCH_POOL_FILES (100), BENCH_POOL_MAX_ENGINES (3).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connectPool } from '@rocketride-streams/pool';
import { ECHO_PIPELINE, type EngineProcess, startEngineProcess } from '@rocketride-streams/testing';
import { machine } from './sim.js';
import { median } from './stats.js';

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OBJECT_MIB = Number(process.env.BENCH_POOL_OBJECT_MIB ?? 256);
const FILES = Number(process.env.BENCH_POOL_FILES ?? 100);
const MAX_ENGINES = Number(process.env.BENCH_POOL_MAX_ENGINES ?? 3);
const KEY = 'bench-key';
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);

/** CPU seconds (user + system) a process used so far, from /proc (Linux); NaN elsewhere. */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

interface Sample {
  seconds: number;
  clientCpu: number;
  enginesCpu: number;
  split: string;
}

/** Runs `work` and measures its wall time and the CPU the client and the engines used meanwhile. */
async function measure(sims: EngineProcess[], work: () => Promise<Record<string, number>>): Promise<Sample> {
  const engines0 = sims.reduce((n, s) => n + cpuOf(s.child.pid!), 0);
  const client0 = process.cpuUsage();
  const t = performance.now();
  const perEngine = await work();
  const seconds = (performance.now() - t) / 1000;
  const c = process.cpuUsage(client0);
  return {
    seconds,
    clientCpu: (c.user + c.system) / 1e6,
    enginesCpu: sims.reduce((n, s) => n + cpuOf(s.child.pid!), 0) - engines0,
    split: Object.values(perEngine).join('/'),
  };
}

/** An object of `mib` MiB from a 1 MiB random block repeated (generating it costs no CPU during the run). */
function object(mib: number, block: Buffer): Readable {
  let sent = 0;
  return new Readable({
    highWaterMark: MiB,
    read() {
      this.push(sent++ < mib ? block : null);
    },
  });
}

async function main(): Promise<void> {
  console.log(`# pool benchmarks — ${await machine()}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'rr-bench-pool-'));
  const sims: EngineProcess[] = [];
  try {
    const paths: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const p = join(dir, `f${i}.bin`);
      await writeFile(p, randomBytes(MiB));
      paths.push(p);
    }
    const block = randomBytes(MiB);
    for (let i = 0; i < MAX_ENGINES; i++) sims.push(await startEngineProcess({ apiKey: KEY }));

    const files: Array<{ n: number; s: Sample }> = [];
    const objects: Array<{ n: number; s: Sample }> = [];
    for (let n = 1; n <= MAX_ENGINES; n++) {
      const used = sims.slice(0, n);
      const pool = await connectPool({ engines: used.map((s) => s.uri), auth: KEY, env: {} });
      const task = await pool.use(ECHO_PIPELINE, { token: `BENCH-POOL-${n}`, useExisting: true });
      const fileRounds: Sample[] = [];
      const objectRounds: Sample[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        fileRounds.push(
          await measure(used, async () => {
            const results = await task.uploadFiles(paths);
            if (results.some((x) => !x.ok)) throw new Error('an upload failed');
            const per: Record<string, number> = {};
            for (const x of results) per[x.engine!] = (per[x.engine!] ?? 0) + 1;
            return per;
          }),
        );
        objectRounds.push(
          await measure(used, async () => {
            const results = await Promise.all(used.map((_, i) => task.upload(object(OBJECT_MIB, block), { name: `big-${i}.bin`, size: OBJECT_MIB * MiB })));
            const per: Record<string, number> = {};
            for (const x of results) per[x.engine] = (per[x.engine] ?? 0) + 1;
            return per;
          }),
        );
      }
      const pick = (xs: Sample[]) => xs.find((x) => x.seconds === median(xs.map((y) => y.seconds)))!;
      files.push({ n, s: pick(fileRounds) });
      objects.push({ n, s: pick(objectRounds) });
      await pool.terminate(task);
      await pool.disconnect();
    }

    console.log(`| uploadFiles, ${FILES} × 1 MiB | MiB/s | files/s | × 1 engine | split | client CPU s | engines CPU s | wall s |`);
    console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
    const base1 = FILES / files[0]!.s.seconds;
    for (const { n, s } of files) {
      const rate = FILES / s.seconds;
      row([`${n} engine${n > 1 ? 's' : ''}`, rate.toFixed(0), rate.toFixed(0), (rate / base1).toFixed(2), s.split, s.clientCpu.toFixed(2), s.enginesCpu.toFixed(2), s.seconds.toFixed(2)]);
    }
    console.log('');
    console.log(`| one ${OBJECT_MIB} MiB object per engine, in parallel | aggregate MiB/s | × 1 engine | per object MiB/s | client CPU s | engines CPU s | wall s |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const base2 = OBJECT_MIB / objects[0]!.s.seconds;
    for (const { n, s } of objects) {
      const rate = (n * OBJECT_MIB) / s.seconds;
      row([`${n} engine${n > 1 ? 's' : ''}`, rate.toFixed(0), (rate / base2).toFixed(2), (rate / n).toFixed(0), s.clientCpu.toFixed(2), s.enginesCpu.toFixed(2), s.seconds.toFixed(2)]);
    }
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
