/**
 * File store benchmark (issue 12), against the simulator in a separate process: write then read a file of
 * BENCH_STORE_MIB (default 256) MiB.
 *   - ours: `pipeline(fs.createReadStream(file), new StoreWriteStream(client, path))` (atomic: a temporary
 *     file renamed into place, which costs the engine one more copy) and `pipeline(new StoreReadStream(client,
 *     path), sink)`;
 *   - a raw `ws` client with one request in flight: 4 MiB `fs_write`s one after the other (with and without
 *     the same final rename), 4 MiB `fs_read`s one after the other;
 *   - the same raw client with requests pipelined (BENCH_STORE_WINDOW, default 8, outstanding).
 * Prints MiB/s (median of BENCH_ROUNDS, default 5; each round rotates the order of the runs) and our ratios. Env: BENCH_STORE_MIB, BENCH_ROUNDS,
 * BENCH_STORE_WINDOW.
 *
 * BENCH_STORE_RSS=write|read measures memory instead: only our client, one way, in a process of its own (the file is
 * generated on disk piece by piece and, for `read`, copied into the simulator's store directory, so nothing but the
 * transfer can raise the peak), and prints the process's peak RSS before and after the transfer.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RocketRideClient } from '@rocketride-streams/core';
import { StoreReadStream, StoreWriteStream } from '@rocketride-streams/streams';
import { startEngineProcess } from '@rocketride-streams/testing';
import { RawStoreClient } from './raw-store.js';
import { machine } from './sim.js';
import { median, range } from './stats.js';

const MiB = 1024 * 1024;
const PIECE = 4 * MiB;
const FILE_MIB = Number(process.env.BENCH_STORE_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WINDOW = Number(process.env.BENCH_STORE_WINDOW ?? 8);
const KEY = 'bench-key';
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);
const seconds = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};
/** Writes dirty pages back (`sync`), so a phase does not pay for the previous one's writeback. Best effort. */
function flushDirtyPages(): void {
  try {
    execFileSync('sync');
  } catch {
    // No `sync` here: the rounds' rotation still spreads the cost.
  }
}
const discard = () => new Writable({ write: (_c, _e, cb) => cb(), writev: (_c, cb) => cb() });

/**
 * Reads the local file in 4 MiB pieces, handing each to `send` (awaited: one in flight). The next piece is read from
 * disk while `send` runs, as our write stream's source reads ahead, so the raw client is not charged for the disk.
 */
async function pieces(file: string, send: (piece: Buffer) => Promise<unknown>): Promise<void> {
  const fh = await open(file, 'r');
  const read = async (): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(PIECE);
    const { bytesRead } = await fh.read(buf, 0, PIECE, null);
    return buf.subarray(0, bytesRead);
  };
  let next = read();
  try {
    for (;;) {
      const piece = await next;
      if (piece.length === 0) return;
      next = read();
      await send(piece);
    }
  } finally {
    await next.catch(() => undefined);
    await fh.close();
  }
}

async function rawWrite(raw: RawStoreClient, file: string, path: string, mode: 'one' | 'pipelined', rename: boolean): Promise<void> {
  const target = rename ? `${path}.tmp` : path;
  const { body } = await raw.store('fs_open', { path: target, mode: 'w' });
  const handle = body!.handle as string;
  const inFlight = new Set<Promise<unknown>>();
  await pieces(file, async (piece) => {
    const p = raw.store('fs_write', { handle }, piece);
    if (mode === 'one') return p;
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  });
  await Promise.all(inFlight);
  await raw.store('fs_close', { handle, mode: 'w' });
  if (rename) {
    await raw.request('rrext_store', { subcommand: 'fs_delete', path });
    await raw.store('fs_rename', { old_path: target, new_path: path });
  }
}

async function rawRead(raw: RawStoreClient, path: string, mode: 'one' | 'pipelined'): Promise<number> {
  const { body } = await raw.store('fs_open', { path, mode: 'r' });
  const handle = body!.handle as string;
  const size = body!.size as number;
  let got = 0;
  if (mode === 'one') {
    for (;;) {
      const r = await raw.store('fs_read', { handle, offset: got, length: PIECE });
      got += r.data!.length;
      if (r.data!.length < PIECE) break;
    }
  } else {
    const offsets: number[] = [];
    for (let o = 0; o <= size; o += PIECE) offsets.push(o);
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const offset = offsets[next++]!;
        got += (await raw.store('fs_read', { handle, offset, length: PIECE })).data!.length;
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
  }
  await raw.store('fs_close', { handle, mode: 'r' });
  return got;
}

/** Writes `mib` MiB of random bytes to `file`, one MiB at a time (never the whole file in memory). */
async function randomFile(file: string, mib: number): Promise<void> {
  const fh = await open(file, 'w');
  try {
    for (let i = 0; i < mib; i++) await fh.write(randomBytes(MiB));
  } finally {
    await fh.close();
  }
}

const peakRss = (): number => process.resourceUsage().maxRSS / 1024;

/** BENCH_STORE_RSS: one transfer of ours, one way, and the process's peak RSS around it. */
async function rss(direction: 'write' | 'read'): Promise<void> {
  console.log(`# file store peak RSS: ${direction} ${FILE_MIB} MiB with our client only — ${await machine()}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'rr-bench-store-'));
  const storeDir = join(dir, 'store');
  const sim = await startEngineProcess({ apiKey: KEY, storeDir });
  try {
    const file = join(dir, 'data.bin');
    await randomFile(file, FILE_MIB);
    if (direction === 'read') {
      // The simulator keeps store path p of user u at <storeDir>/users/<u>/files/<p> (the OSS user is 'local').
      await mkdir(join(storeDir, 'users', 'local', 'files', 'bench'), { recursive: true });
      await copyFile(file, join(storeDir, 'users', 'local', 'files', 'bench', 'ours.bin'));
    }
    const client = new RocketRideClient({ uri: sim.uri, auth: KEY, env: {} });
    await client.connect();
    const before = peakRss();
    const secs = await seconds(() =>
      direction === 'write'
        ? pipeline(createReadStream(file, { highWaterMark: MiB }), new StoreWriteStream(client, 'bench/ours.bin'))
        : pipeline(new StoreReadStream(client, 'bench/ours.bin'), discard()),
    );
    console.log(`| ${direction} | MiB/s | peak RSS before (MiB) | peak RSS after (MiB) |\n| --- | ---: | ---: | ---: |`);
    row([`${FILE_MIB} MiB`, (FILE_MIB / secs).toFixed(0), before.toFixed(0), peakRss().toFixed(0)]);
    await client.disconnect();
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.env.BENCH_STORE_RSS;
  if (only === 'write' || only === 'read') return rss(only);
  console.log(`# file store: write and read ${FILE_MIB} MiB — ${await machine()}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'rr-bench-store-'));
  const sim = await startEngineProcess({ apiKey: KEY, storeDir: join(dir, 'store') });
  try {
    const file = join(dir, 'data.bin');
    await randomFile(file, FILE_MIB);
    const client = new RocketRideClient({ uri: sim.uri, auth: KEY, env: {} });
    await client.connect();
    const raw = await RawStoreClient.connect(sim.uri, KEY);
    const runs = {
      'write: ours (atomic)': () => pipeline(createReadStream(file, { highWaterMark: MiB }), new StoreWriteStream(client, 'bench/ours.bin')),
      'write: raw, 1 in flight': () => rawWrite(raw, file, 'bench/raw.bin', 'one', false),
      'write: raw, 1 in flight + rename': () => rawWrite(raw, file, 'bench/raw-r.bin', 'one', true),
      [`write: raw, ${WINDOW} pipelined`]: () => rawWrite(raw, file, 'bench/raw-p.bin', 'pipelined', false),
      // Both readers read the same file (written by the raw client), so the comparison does not depend on who wrote it.
      'read: ours': () => pipeline(new StoreReadStream(client, 'bench/raw.bin'), discard()),
      'read: raw, 1 in flight': () => rawRead(raw, 'bench/raw.bin', 'one'),
      [`read: raw, ${WINDOW} pipelined`]: () => rawRead(raw, 'bench/raw.bin', 'pipelined'),
    };
    // Warm-up (JIT, the simulator's first files): one untimed write and read each way.
    await runs['write: ours (atomic)']();
    await runs['write: raw, 1 in flight']();
    await runs['read: ours']();
    await runs['read: raw, 1 in flight']();
    const rates: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
    // Writes first, then reads, each phase in rounds that start one run later and, every other round, go the
    // other way round. Rotation alone keeps the cyclic order: in one mixed cycle the first read always followed
    // the last write and paid for its writeback, and each run always followed the same one. Dirty pages are
    // flushed between the phases, so a read only ever follows a read.
    const phases = [Object.entries(runs).filter(([n]) => n.startsWith('write')), Object.entries(runs).filter(([n]) => n.startsWith('read'))];
    for (const order of phases) {
      flushDirtyPages();
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < order.length; i++) {
          const cycle = r % 2 === 0 ? order : [...order].reverse();
          const [name, run] = cycle[(i + r) % cycle.length]!;
          const used = process.cpuUsage();
          rates[name]!.push(FILE_MIB / (await seconds(run)));
          const { user, system } = process.cpuUsage(used);
          cpu[name]!.push((user + system) / 1000 / FILE_MIB);
        }
      }
    }
    console.log(`| run | MiB/s (median of ${ROUNDS}) | MiB/s range | client CPU ms/MiB (median) |\n| --- | ---: | ---: | ---: |`);
    for (const name of Object.keys(runs)) row([name, median(rates[name]!).toFixed(0), range(rates[name]!, 0), median(cpu[name]!).toFixed(2)]);
    // Per round, ours over the raw run of the same round: the machine's load drifts less within a round than across.
    const ratios = (a: string, b: string) => rates[a]!.map((x, i) => x / rates[b]![i]!);
    const cpuRatio = (a: string, b: string) => (median(cpu[a]!) / median(cpu[b]!)).toFixed(2);
    console.log('\n| ours ÷ raw | throughput (median of per-round ratios) | range | client CPU/MiB |\n| --- | ---: | ---: | ---: |');
    const compare = (label: string, a: string, b: string) => row([label, median(ratios(a, b)).toFixed(2), range(ratios(a, b), 2), cpuRatio(a, b)]);
    compare('write: ours / raw 1 in flight', 'write: ours (atomic)', 'write: raw, 1 in flight');
    compare('write: ours / raw 1 in flight + rename (same work)', 'write: ours (atomic)', 'write: raw, 1 in flight + rename');
    compare(`write: ours / raw ${WINDOW} pipelined`, 'write: ours (atomic)', `write: raw, ${WINDOW} pipelined`);
    compare('read: ours / raw 1 in flight', 'read: ours', 'read: raw, 1 in flight');
    compare(`read: ours / raw ${WINDOW} pipelined`, 'read: ours', `read: raw, ${WINDOW} pipelined`);
    console.log(`\nclient process peak RSS: ${peakRss().toFixed(0)} MiB (both clients; see BENCH_STORE_RSS for ours alone)`);
    await raw.close();
    await client.disconnect();
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
