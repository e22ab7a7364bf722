/**
 * Client cost (issue 10): the same work against the minimal acking server (`ack-server.ts`, its own
 * process), so the client, not the server, is the bottleneck. In one run, alternating rounds:
 *   1. one pipe fed from a file read in 64 KiB chunks through the streams API,
 *      `pipeline(createReadStream(file), rocketride.pipe(token))` (the façade's PipeWritable and its
 *      PipeSession); a raw `ws` client keeping one write in flight and coalescing what the file yields
 *      meanwhile (our contract, by hand); and a raw client that never waits for acknowledgements.
 *      MiB/s and client CPU ms per MiB.
 *   2. small `send()` round trips (open + 5-byte write + close), ours vs a raw client: per second in
 *      alternating 100 ms slices, then alternating every round trip (both see the same moment of a
 *      shared machine), with client CPU µs per round trip.
 *   3. peak RSS of a fresh process streaming BENCH_RSS_MIB through `rocketride.pipe(token)`.
 * Env: BENCH_FILE_MIB (default 256), BENCH_PIPE_ROUNDS (9 rounds, each ours beside each raw client, per-pair ratios), BENCH_WARMUP (2 runs of each client first), BENCH_ROUNDS (3, small requests), BENCH_MS (2000, per small-request measurement),
 * BENCH_PAIRS (20000 alternated round trips), BENCH_RSS_MIB (1024), BENCH_PIN (1: clients on CPU 0, the server on CPU 1).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { RocketRide } from 'rocketride-streams';
import { pinClientAndServer, startAckServer } from './ack-server.js';
import { RawClient } from './raw-client.js';
import { RawPipeClient } from './raw-pipe.js';
import { childPeakMiB, generatedSource, printPeakMiB } from './rss.js';
import { machine } from './sim.js';
import { median, range } from './stats.js';

const MiB = 1024 * 1024;
const FILE_MIB = Number(process.env.BENCH_FILE_MIB ?? 256);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PIPE_ROUNDS = Number(process.env.BENCH_PIPE_ROUNDS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const DURATION = Number(process.env.BENCH_MS ?? 2000);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20000);
const RSS_MIB = Number(process.env.BENCH_RSS_MIB ?? 1024);
const TOKEN = 'BENCH';
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);

/** Wall seconds and this process's CPU seconds (user + system) spent in `fn`. */
async function measure(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

async function roundTrips(op: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await op();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/** `pairs` round trips of each, alternating one by one: wall µs per round trip (p50, mean) and CPU µs per round trip. */
async function alternated(ours: () => Promise<unknown>, raw: () => Promise<unknown>, pairs: number) {
  const wall = { ours: [] as number[], raw: [] as number[] };
  const cpu = { ours: 0, raw: 0 };
  for (let i = 0; i < pairs; i++) {
    for (const [name, op] of [['ours', ours], ['raw', raw]] as const) {
      const c = process.cpuUsage();
      const t = performance.now();
      await op();
      wall[name].push((performance.now() - t) * 1000);
      const used = process.cpuUsage(c);
      cpu[name] += used.user + used.system;
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    ours: { p50: median(wall.ours), mean: mean(wall.ours), cpu: cpu.ours / pairs },
    raw: { p50: median(wall.raw), mean: mean(wall.raw), cpu: cpu.raw / pairs },
  };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss-child') return rssChild(process.argv[3] as 'ours' | 'raw', process.argv[4]!);
  const pinned = pinClientAndServer();
  console.log(`# client cost against a minimal acking server — ${await machine()}${pinned ? '; clients pinned to CPU 0, server to CPU 1 (BENCH_PIN=1)' : ''}\n`);
  const server = await startAckServer(pinned);
  const dir = await mkdtemp(join(tmpdir(), 'rr-bench-'));
  try {
    const rocketride = new RocketRide({ uri: server.uri, auth: 'bench', env: {} });
    await rocketride.connect();
    const raw = await RawPipeClient.connect(server.uri, 'bench');
    const file = join(dir, 'data.bin');
    await writeFile(file, Buffer.concat(Array.from({ length: FILE_MIB }, () => randomBytes(MiB))));
    const read = () => createReadStream(file, { highWaterMark: 64 * 1024 });
    const runs = {
      ours: () => pipeline(read(), rocketride.pipe(TOKEN, { name: 'data.bin' })),
      oneInFlight: () => raw.streamOneInFlight(TOKEN, read(), { name: 'data.bin' }, 'application/octet-stream'),
      neverWaits: () => raw.stream(TOKEN, read(), { name: 'data.bin' }, 'application/octet-stream'),
    };
    type Raw = 'oneInFlight' | 'neverWaits';
    const rawClients: Raw[] = ['oneInFlight', 'neverWaits'];
    const figures = { ours: { rate: [] as number[], cpu: [] as number[] }, oneInFlight: { rate: [] as number[], cpu: [] as number[] }, neverWaits: { rate: [] as number[], cpu: [] as number[] } };
    const pairRatios = { oneInFlight: { rate: [] as number[], cpu: [] as number[] }, neverWaits: { rate: [] as number[], cpu: [] as number[] } };
    // Warm every client up alike (JIT, heap growth, page cache): on this kind of VM the first rounds after
    // one warm-up run still favoured whichever client had the less code to compile.
    for (let w = 0; w < WARMUP; w++) for (const run of Object.values(runs)) await run();
    // The machine's speed swings from one second to the next, so each ratio compares two runs side by side:
    // every round runs ours next to each raw client, in pairs whose order alternates; the figures are the
    // medians of those per-pair ratios.
    for (let r = 0; r < PIPE_ROUNDS; r++) {
      for (const [i, other] of rawClients.entries()) {
        const pair = (r + i) % 2 === 0 ? (['ours', other] as const) : ([other, 'ours'] as const);
        const got: Partial<Record<keyof typeof runs, { rate: number; cpu: number }>> = {};
        for (const name of pair) {
          const m = await measure(runs[name]);
          got[name] = { rate: FILE_MIB / m.wall, cpu: (m.cpu * 1000) / FILE_MIB };
          figures[name].rate.push(got[name].rate);
          figures[name].cpu.push(got[name].cpu);
        }
        pairRatios[other].rate.push(got.ours!.rate / got[other]!.rate);
        pairRatios[other].cpu.push(got.ours!.cpu / got[other]!.cpu);
      }
    }
    console.log(`## one pipe, ${FILE_MIB} MiB file, 64 KiB reads (${PIPE_ROUNDS} rounds of side-by-side pairs, order alternating)\n`);
    console.log('| client | MiB/s (median) | client CPU ms/MiB (median) | ours ÷ this, throughput (median of per-pair ratios) | range | ours ÷ this, CPU/MiB (same) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    row(['ours, streams API (`pipeline(file, rocketride.pipe(token))`)', median(figures.ours.rate).toFixed(0), median(figures.ours.cpu).toFixed(2), '1.00', '', '1.00']);
    for (const [name, label] of [
      ['oneInFlight', 'raw, one 4 MiB write in flight'],
      ['neverWaits', 'raw, never waits'],
    ] as const) {
      const q = pairRatios[name];
      row([label, median(figures[name].rate).toFixed(0), median(figures[name].cpu).toFixed(2), median(q.rate).toFixed(2), range(q.rate, 2), median(q.cpu).toFixed(2)]);
    }

    const small = await RawClient.connect(server.uri, 'bench');
    const payload = new TextEncoder().encode('hello');
    const oursSend = () => rocketride.send(TOKEN, payload, { name: 'a.txt' }, 'text/plain');
    const rawSend = async () => {
      const open = await small.call('rrext_process', { subcommand: 'open', object: { name: 'a.txt', size: 5 }, mimeType: 'text/plain', token: TOKEN });
      const pipeId = (open.body as { pipe_id: number }).pipe_id;
      await small.callBinary('rrext_process', { subcommand: 'write', pipe_id: pipeId, token: TOKEN }, payload);
      await small.call('rrext_process', { subcommand: 'close', pipe_id: pipeId, token: TOKEN });
    };
    await roundTrips(oursSend, 300);
    await roundTrips(rawSend, 300);
    const ratios: number[] = [];
    const ours: number[] = [];
    const rawRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate 100 ms slices so both see the same machine noise.
      let o = 0;
      let w = 0;
      for (let s = 0; s < DURATION / 100; s++) {
        if (s % 2 === 0) o += await roundTrips(oursSend, 100);
        else w += await roundTrips(rawSend, 100);
      }
      ours.push(o);
      rawRates.push(w);
      ratios.push(o / w);
    }
    const slices = DURATION / 200;
    console.log(`\n## small send() round trips (open + 5 B write + close), median of ${ROUNDS}\n`);
    console.log('| ours (/s) | raw ws (/s) | ratio |');
    console.log('| ---: | ---: | ---: |');
    row([(median(ours) / slices).toFixed(0), (median(rawRates) / slices).toFixed(0), median(ratios).toFixed(2)]);
    const alt = await alternated(oursSend, rawSend, PAIRS);
    console.log(`\n${PAIRS} round trips each, alternating one by one (µs per round trip; ratio = raw ÷ ours time, i.e. our rate ÷ raw rate):\n`);
    console.log('| | ours | raw ws | ratio |');
    console.log('| --- | ---: | ---: | ---: |');
    row(['wall, median', alt.ours.p50.toFixed(1), alt.raw.p50.toFixed(1), (alt.raw.p50 / alt.ours.p50).toFixed(2)]);
    row(['wall, mean', alt.ours.mean.toFixed(1), alt.raw.mean.toFixed(1), (alt.raw.mean / alt.ours.mean).toFixed(2)]);
    row(['client CPU', alt.ours.cpu.toFixed(1), alt.raw.cpu.toFixed(1), (alt.raw.cpu / alt.ours.cpu).toFixed(2)]);
    await rocketride.disconnect();
    raw.close();
    await small.close();

    console.log(`\n| client peak RSS, ${RSS_MIB} MiB streamed, 64 KiB chunks | MiB |`);
    console.log('| --- | ---: |');
    const peak = (who: string) => childPeakMiB(fileURLToPath(import.meta.url), who, server.uri);
    row(['ours, `rocketride.pipe(token)` (fresh process, `VmHWM`)', peak('ours').toFixed(0)]);
    row(['raw, one 4 MiB write in flight (fresh process, `VmHWM`)', peak('raw').toFixed(0)]);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams RSS_MIB from a generated source of 64 KiB chunks and prints this process's peak RSS in MiB. */
async function rssChild(who: 'ours' | 'raw', uri: string): Promise<void> {
  const source = generatedSource(RSS_MIB);
  if (who === 'ours') {
    const rocketride = new RocketRide({ uri, auth: 'bench', env: {} });
    await rocketride.connect();
    await pipeline(source, rocketride.pipe(TOKEN, { name: 'big.bin' }));
    await rocketride.disconnect();
  } else {
    const raw = await RawPipeClient.connect(uri, 'bench');
    await raw.streamOneInFlight(TOKEN, source, { name: 'big.bin' }, 'application/octet-stream');
    raw.close();
  }
  printPeakMiB();
}

await main();
