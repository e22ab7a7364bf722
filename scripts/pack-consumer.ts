// A consumer of the packed packages, typechecked (never run) by scripts/pack-smoke.mjs with `strict`
// and without `skipLibCheck` under moduleResolution nodenext, node16 (as ESM and as CommonJS) and
// bundler, against the tarballs' own .d.ts files. It touches each package's main API; call shapes that
// are still moving are only referenced as values, which is enough to make their declarations load.
import { EXIT_OK, run, type RunOptions } from '@rocketride-streams/cli';
import { type RocketRideClient, RocketRideError, VERSION } from '@rocketride-streams/core';
import { httpStatusOf, sseHandler, uploadHandler } from '@rocketride-streams/express';
import { InjectRocketRide, ROCKETRIDE_CLIENT, RocketRideModule } from '@rocketride-streams/nest';
import { connectPool, type PoolFileResult, type PoolTask } from '@rocketride-streams/pool';
import { events$, ofType } from '@rocketride-streams/rx';
import { createPipe, type FileResult, type PipeOptions, upload, uploadFiles } from '@rocketride-streams/streams';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { connect, type RocketRide } from 'rocketride-streams';

export const referenced: ReadonlyArray<(...args: never[]) => unknown> = [upload, uploadFiles, createPipe, uploadHandler, sseHandler, events$, ofType, InjectRocketRide, connectPool];

/** The pool's main shape: a PoolTask's files, each naming its engine. */
export function poolFiles(task: PoolTask, paths: string[]): Promise<Array<Pick<PoolFileResult, 'path' | 'status' | 'engine'>>> {
  return task.uploadFiles(paths, { retryUnknown: false });
}

export async function tour(): Promise<number> {
  const engine: Engine = await startEngine({ apiKey: 'K' });
  const rocketride: RocketRide = await connect({ uri: engine.uri, auth: 'K', env: {} });
  const client: RocketRideClient = rocketride;
  const pipeOptions: PipeOptions = { mimeType: 'text/plain', signal: new AbortController().signal };
  const results: FileResult[] = [];
  const status: number | undefined = httpStatusOf(new RocketRideError(`${VERSION} ${String(pipeOptions.mimeType)}`, { code: 'ERR_ROCKETRIDE' }));
  const dynamicModule = RocketRideModule.forRoot({ embedded: true, isGlobal: true });
  const options: RunOptions = { stdout: { write: (text: string) => text.length }, env: {} };
  const code: number = await run(['--help'], options);
  await client.disconnect();
  await engine.close();
  return code === EXIT_OK && dynamicModule.module === RocketRideModule && typeof ROCKETRIDE_CLIENT !== 'undefined' ? (status ?? results.length) : 1;
}
