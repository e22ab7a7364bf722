import { once } from 'node:events';
import type { PipeWritable } from '../pipe-writable.js';
import type { Fixture } from './fixture.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The engine's record of the newest pipe. */
export const lastPipe = (f: Fixture) => f.engine.pipes().at(-1)!;

/** The payload size of every write request the engine received, in order. */
export const writeSizes = (f: Fixture): number[] =>
  f.engine
    .requests()
    .filter((r) => r.arguments.subcommand === 'write')
    .map((r) => r.dataBytes);

/** Resolves once the sink is constructed: its pipe is open (the first progress report) and writes go straight out. */
export async function opened(sink: PipeWritable): Promise<void> {
  await once(sink, 'progress');
  await new Promise((r) => setImmediate(r));
}

/** Counts 'drain' events, with the buffer's length at each. */
export function countDrains(sink: PipeWritable): { count: number; lengths: number[] } {
  const seen = { count: 0, lengths: [] as number[] };
  sink.on('drain', () => {
    seen.count++;
    seen.lengths.push(sink.writableLength);
  });
  return seen;
}

/** Wraps the sink's write() to record the largest `writableLength` seen right after a write. */
export function trackPeak(sink: PipeWritable): { readonly peak: number } {
  const seen = { peak: 0 };
  const write = sink.write.bind(sink);
  sink.write = ((...args: Parameters<typeof write>) => {
    const said = write(...args);
    seen.peak = Math.max(seen.peak, sink.writableLength);
    return said;
  }) as typeof sink.write;
  return seen;
}
