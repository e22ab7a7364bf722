import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { RocketRideClient } from '@rocketride-streams/core';
import { progress$ } from '@rocketride-streams/rx';
import { PipeWritable } from '@rocketride-streams/streams';
import { startEngine } from '@rocketride-streams/testing';
import { lastValueFrom, map, tap, throttleTime } from 'rxjs';
import { ECHO } from './echo-pipeline.js';

/** Draws `[#####.....]  42%` from a sink's progress. */
function bar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

/** Streams 8 MiB into a pipeline and draws a progress bar from `progress$`. Returns the lines drawn. */
export async function main(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<string[]> {
  const engine = await startEngine(); // a local simulator: use your engine's URI and key instead
  const client = new RocketRideClient({ uri: engine.uri, auth: 'my-key' });
  const lines: string[] = [];
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO });
    const size = 8 * 1024 * 1024;
    const chunks = Array.from({ length: 128 }, () => Buffer.alloc(size / 128, 0x61));
    const sink = new PipeWritable(client, token, { name: 'big.bin', mimeType: 'application/octet-stream', size });

    const drawn = lastValueFrom(
      progress$(sink).pipe(
        throttleTime(50, undefined, { leading: true, trailing: true }), // at most 20 redraws a second
        map((p) => bar(p.bytesAcknowledged, p.total ?? size)),
        tap((line) => {
          lines.push(line);
          write(`\r${line}`);
        }),
      ),
    );

    await pipeline(Readable.from(chunks), sink); // resolves once the engine committed the object
    await drawn; // progress$ completed on 'finish', after the last redraw
    write('\n');
    return lines;
  } finally {
    await client.disconnect();
    await engine.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
