// The README's first command runs this: a generated file of a few hundred MB is streamed through
// `rocketride.pipe(token)` with Node's stream.pipeline, with a progress bar on a terminal, and the
// engine's result and the throughput printed. With ROCKETRIDE_URI set (and ROCKETRIDE_APIKEY), it
// uses that engine instead of the embedded simulator.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { connect } from 'rocketride-streams';
import { progressPrinter } from './progress.mjs';

const sizeMiB = Number(process.env.DEMO_MIB ?? 256);
const file = join(tmpdir(), `rocketride-demo-${process.pid}.bin`);

async function generate(path, bytes) {
  // Random-looking data that is cheap to make: one random 1 MiB block, varied per block.
  const block = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let i = 0; i * block.length < bytes; i++) {
    block.writeUInt32LE(i, 0);
    const piece = block.subarray(0, Math.min(block.length, bytes - i * block.length));
    hash.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

const pipelineConfig = JSON.parse(await readFile(new URL('./echo.json', import.meta.url), 'utf8'));

console.log(`Generating a ${sizeMiB} MiB file at ${file} ...`);
const sha256 = await generate(file, sizeMiB * 1024 * 1024);
const { size } = await stat(file);

const rocketride = await connect({ embedded: true });
const where = rocketride.engine ? `the embedded simulator at ${rocketride.engine.uri}` : `the engine at ${rocketride.getConnectionInfo().uri}`;
console.log(`Connected to ${where}`);
try {
  const task = await rocketride.use({ pipeline: pipelineConfig, useExisting: true });
  console.log(`Pipeline running: task ${task.id} (token ${task.token.slice(0, 8)}…)`);

  const progress = progressPrinter(size);
  const started = process.hrtime.bigint();
  const sink = rocketride.pipe(task.token, { name: 'demo.bin', size, mimeType: 'application/octet-stream', onProgress: progress.update });
  await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  progress.done();

  const result = await sink.result;
  console.log('Result from the engine:', JSON.stringify(result));
  console.log(`Streamed ${(size / 1048576).toFixed(0)} MiB in ${seconds.toFixed(2)} s: ${(size / 1048576 / seconds).toFixed(1)} MiB/s, ${sink.progress.writes} write requests, one in flight at a time`);

  if (rocketride.engine) {
    const record = rocketride.engine.pipes().at(-1);
    const received = createHash('sha256').update(record.received).digest('hex');
    console.log(`SHA-256 sent ${sha256.slice(0, 16)}…, received by the engine ${received.slice(0, 16)}… ${received === sha256 ? '(identical)' : '(DIFFERENT!)'}`);
    if (received !== sha256) process.exitCode = 1;
  }
  await rocketride.terminate(task.token);
} finally {
  await rocketride.disconnect();
  await rm(file, { force: true });
}
