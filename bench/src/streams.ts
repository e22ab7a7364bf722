/**
 * Data-plane benchmarks (issue 4), each against the simulator in a separate process and against a
 * raw `ws` client with the same framing that never waits for acknowledgements, in the same run:
 *   1. one pipe, 256 MiB from a file read in 64 KiB and in 1 MiB chunks (MiB/s, ratio to raw);
 *   2. a 64 MiB text stream (text mode: UTF-8-safe segments);
 *   3. client peak RSS while streaming 1 GiB (in a fresh child process per client);
 *   4. uploadFiles of 100 files of 1 MiB (files/s, MiB/s).
 * Env: BENCH_FILE_MIB (default 256), BENCH_TEXT_MIB (64), BENCH_RSS_MIB (1024), BENCH_ROUNDS (2).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { RocketRideClient } from '@rocketride-streams/core';
import { createPipe, uploadFiles } from '@rocketride-streams/streams';
import { ECHO_PIPELINE, type EngineProcess, startEngineProcess } from '@rocketride-streams/testing';
import { RawPipeClient } from './raw-pipe.js';
import { childPeakMiB, generatedSource, printPeakMiB } from './rss.js';
import { machine } from './sim.js';
import { median } from './stats.js';

const MiB = 1024 * 1024;
const FILE_MIB = Number(process.env.BENCH_FILE_MIB ?? 256);
const TEXT_MIB = Number(process.env.BENCH_TEXT_MIB ?? 64);
const RSS_MIB = Number(process.env.BENCH_RSS_MIB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const KEY = 'bench-key';
const seconds = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);

async function session(sim: EngineProcess): Promise<{ client: RocketRideClient; raw: RawPipeClient; token: string }> {
  const client = new RocketRideClient({ uri: sim.uri, auth: KEY, env: {} });
  await client.connect();
  const { token } = await client.use({ pipeline: ECHO_PIPELINE, token: 'BENCH-STREAMS', useExisting: true, threads: 64 });
  const raw = await RawPipeClient.connect(sim.uri, KEY);
  return { client, raw, token };
}

/** 1 and 2: ours vs raw, alternating, median MiB/s over the rounds. */
async function throughput(label: string, mib: number, runOurs: () => Promise<unknown>, runRaw: () => Promise<unknown>): Promise<void> {
  const ours: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(mib / (await seconds(runOurs)));
    raw.push(mib / (await seconds(runRaw)));
  }
  const o = median(ours);
  const w = median(raw);
  row([label, o.toFixed(0), w.toFixed(0), (o / w).toFixed(2)]);
}

function* textChunks(totalBytes: number, chunk: number): Generator<Buffer> {
  const line = 'The quick brown fox — jumps over the lazy dog, ünïcödé ✓ 😀 1234567890\n';
  const block = Buffer.from(line.repeat(Math.ceil(chunk / Buffer.byteLength(line)) + 1));
  for (let sent = 0; sent < totalBytes; sent += chunk) {
    // Cut at an arbitrary byte, so characters straddle chunk edges.
    const off = sent % 7;
    yield block.subarray(off, off + Math.min(chunk, totalBytes - sent));
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss-child') return rssChild(process.argv[3] as 'ours' | 'raw', process.argv[4]!);
  console.log(`# data-plane benchmarks — ${await machine()}\n`);
  const sim = await startEngineProcess({ apiKey: KEY });
  const dir = await mkdtemp(join(tmpdir(), 'rr-bench-'));
  try {
    const { client, raw, token } = await session(sim);
    const file = join(dir, 'data.bin');
    await writeFile(file, Buffer.concat(Array.from({ length: FILE_MIB }, () => randomBytes(MiB))));

    console.log('| benchmark | ours (MiB/s) | raw ws, no acks awaited (MiB/s) | ratio |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const chunk of [64 * 1024, MiB]) {
      await throughput(
        `one pipe, ${FILE_MIB} MiB file, ${chunk / 1024} KiB reads`,
        FILE_MIB,
        () => pipeline(createReadStream(file, { highWaterMark: chunk }), createPipe(client, token, { name: 'data.bin' })),
        () => raw.stream(token, createReadStream(file, { highWaterMark: chunk }), { name: 'data.bin' }, 'application/octet-stream'),
      );
    }
    const textBytes = TEXT_MIB * MiB;
    await throughput(
      `text stream, ${TEXT_MIB} MiB, 64 KiB chunks`,
      TEXT_MIB,
      () => pipeline(Readable.from(textChunks(textBytes, 64 * 1024)), createPipe(client, token, { name: 't.txt', mimeType: 'lane/text' })),
      () => raw.stream(token, Readable.from(textChunks(textBytes, 64 * 1024)), { name: 't.txt' }, 'lane/text'),
    );

    // 4: many files.
    const paths: string[] = [];
    for (let i = 0; i < 100; i++) {
      const p = join(dir, `f${i}.bin`);
      await writeFile(p, randomBytes(MiB));
      paths.push(p);
    }
    const oursFiles = await seconds(async () => {
      const results = await uploadFiles(client, token, paths, { concurrency: 8 });
      if (results.some((r) => !r.ok)) throw new Error('an upload failed');
    });
    const rawFiles = await seconds(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < paths.length) {
            const p = paths[next++]!;
            await raw.stream(token, createReadStream(p, { highWaterMark: MiB }), { name: p }, 'application/octet-stream');
          }
        }),
      );
    });
    row([`uploadFiles, 100 × 1 MiB, 8 pipes`, (100 / oursFiles).toFixed(0), (100 / rawFiles).toFixed(0), (rawFiles / oursFiles).toFixed(2)]);
    console.log('(uploadFiles row: MiB/s = files/s, 1 MiB each)\n');
    await client.disconnect();
    raw.close();

    // 3: peak RSS, each client alone in a fresh process.
    console.log(`| client peak RSS, ${RSS_MIB} MiB streamed | ours (MiB) | raw ws (MiB) |`);
    console.log('| --- | ---: | ---: |');
    const peak = (who: string) => childPeakMiB(fileURLToPath(import.meta.url), who, sim.uri);
    row(['64 KiB source chunks', peak('ours').toFixed(0), peak('raw').toFixed(0)]);
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams RSS_MIB from a generated source and prints the process's peak RSS in MiB. */
async function rssChild(who: 'ours' | 'raw', uri: string): Promise<void> {
  const source = generatedSource(RSS_MIB);
  const sim = { uri } as EngineProcess;
  const { client, raw, token } = await session(sim);
  if (who === 'ours') await pipeline(source, createPipe(client, token, { name: 'big.bin' }));
  else await raw.stream(token, source, { name: 'big.bin' }, 'application/octet-stream');
  await client.disconnect();
  raw.close();
  printPeakMiB();
}

await main();
