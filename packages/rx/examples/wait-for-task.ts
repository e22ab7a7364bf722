import { fileURLToPath } from 'node:url';
import { RocketRideClient, type TaskStatus } from '@rocketride-streams/core';
import { status$, task$ } from '@rocketride-streams/rx';
import { startEngine } from '@rocketride-streams/testing';
import { filter, firstValueFrom } from 'rxjs';
import { ECHO } from './echo-pipeline.js';

/** Starts a task, follows its lifecycle, and waits for its final status. */
export async function main(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<TaskStatus> {
  const engine = await startEngine(); // a local simulator: use your engine's URI and key instead
  const client = new RocketRideClient({ uri: engine.uri, auth: 'my-key' });
  try {
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO });

    // Lifecycle steps as they happen: running … end (then the stream completes).
    task$(client, token).subscribe((step) => write(`task: ${step.action}\n`));

    // Subscribe before acting, so nothing is missed; status$ replays the latest status to late subscribers.
    const finished = firstValueFrom(status$(client, token).pipe(filter((s) => s.completed)));

    await client.send(token, 'hello, pipeline', { name: 'hello.txt' }, 'text/plain');
    // A webhook task runs until it is stopped; a batch pipeline would end on its own.
    await client.terminate(token);

    const status = await finished;
    write(`finished: ${status.status} (exit ${status.exitCode}), ${status.completedCount} object(s)\n`);
    return status;
  } finally {
    await client.disconnect();
    await engine.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
