/**
 * Small-request benchmark (issue 3): sequential `send()` round trips per second (open + write + close
 * of a 5-byte text object) and `ping()` per second, for the library and for a raw `ws` client sending
 * the same frames, in the same run, against the simulator in a separate process. Prints the ratio
 * (ours / raw; the target is ≥ 0.9).
 *
 * Env: BENCH_MS (duration of one measurement, default 2000), BENCH_ROUNDS (default 3; the median is kept).
 */
import { RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { RawClient } from './raw-client.js';
import { machine, startSim } from './sim.js';
import { median } from './stats.js';

const DURATION = Number(process.env.BENCH_MS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SLICE = 100;
const TOKEN = 'BENCH';
const PAYLOAD = new TextEncoder().encode('hello');
const OBJINFO = { name: 'a.txt' };
const MIME = 'text/plain';

/**
 * Measures two operations in alternating short slices, so both see the same machine noise (other
 * processes, CPU frequency): returns operations per second for each.
 */
async function pair(a: () => Promise<unknown>, b: () => Promise<unknown>, ms: number): Promise<[number, number]> {
  for (let i = 0; i < 200; i++) {
    await a();
    await b();
  }
  const counts = [0, 0];
  const times = [0, 0];
  const slices = Math.max(2, Math.round(ms / SLICE));
  for (let s = 0; s < slices; s++) {
    const which = s % 2;
    const op = which === 0 ? a : b;
    let n = 0;
    const start = performance.now();
    const end = start + SLICE;
    while (performance.now() < end) {
      await op();
      n++;
    }
    counts[which]! += n;
    times[which]! += performance.now() - start;
  }
  return [(counts[0]! * 1000) / times[0]!, (counts[1]! * 1000) / times[1]!];
}


async function main(): Promise<void> {
  const sim = await startSim();
  try {
    const client = new RocketRideClient({ uri: sim.uri, auth: sim.apiKey, env: {} });
    await client.connect();
    await client.use({ pipeline: ECHO_PIPELINE, token: TOKEN });
    const raw = await RawClient.connect(sim.uri, sim.apiKey);

    const oursSend = () => client.send(TOKEN, PAYLOAD, OBJINFO, MIME);
    const rawSend = async () => {
      const open = await raw.call('rrext_process', {
        subcommand: 'open',
        object: { ...OBJINFO, size: PAYLOAD.byteLength },
        mimeType: MIME,
        token: TOKEN,
      });
      const pipeId = (open.body as { pipe_id: number }).pipe_id;
      await raw.callBinary('rrext_process', { subcommand: 'write', pipe_id: pipeId, token: TOKEN }, PAYLOAD);
      const close = await raw.call('rrext_process', { subcommand: 'close', pipe_id: pipeId, token: TOKEN });
      if (!close.success) throw new Error(close.message);
    };
    const oursPing = () => client.ping();
    const rawPing = () => raw.call('rrext_ping');

    const figures: Record<string, number[]> = { oursSend: [], rawSend: [], oursPing: [], rawPing: [] };
    for (let r = 0; r < ROUNDS; r++) {
      const [os, rs] = await pair(oursSend, rawSend, DURATION * 2);
      figures.oursSend!.push(os);
      figures.rawSend!.push(rs);
      const [op, rp] = await pair(oursPing, rawPing, DURATION * 2);
      figures.oursPing!.push(op);
      figures.rawPing!.push(rp);
    }
    await raw.close();
    await client.disconnect();

    const row = (label: string, ours: number[], base: number[]) => {
      const ratios = ours.map((o, i) => o / base[i]!);
      return `| ${label} | ${median(ours).toFixed(0)} | ${median(base).toFixed(0)} | ${median(ratios).toFixed(3)} |`;
    };
    console.log(`machine: ${await machine()}`);
    console.log(`median of ${ROUNDS} rounds; each round ${DURATION} ms per side in alternating ${SLICE} ms slices; simulator in a separate process\n`);
    console.log('| operation | ours (/s) | raw ws (/s) | ratio (median per round) |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(row('send() round trip (open+write+close, 5 B text)', figures.oursSend!, figures.rawSend!));
    console.log(row('ping() round trip', figures.oursPing!, figures.rawPing!));
  } finally {
    await sim.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
