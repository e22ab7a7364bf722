import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { INestApplication } from '@nestjs/common';
import type { Engine, RocketRide } from 'rocketride-streams';

// The compiled CommonJS application, loaded the way Node runs it (not through vite).
const require = createRequire(import.meta.url);
const { createApp } = require('../dist/app.js') as typeof import('../src/app.js');
const { PipelineService } = require('../dist/pipeline.service.js') as typeof import('../src/pipeline.service.js');
const { ROCKETRIDE_CLIENT } = require('@rocketride-streams/nest') as typeof import('@rocketride-streams/nest');

export interface RunningApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  rocketride: RocketRide;
  engine: Engine;
  token: string;
}

/** Starts the example on 127.0.0.1 (random port) with the embedded simulator. */
export async function startApp(): Promise<RunningApp> {
  // An engine configured in the environment would replace the embedded simulator these tests inspect.
  delete process.env.ROCKETRIDE_URI;
  const app = await createApp({ logger: false, abortOnError: false });
  try {
    await app.listen(0, '127.0.0.1');
    const rocketride = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    if (!rocketride.engine) throw new Error('expected the embedded simulator');
    return { app, url: await app.getUrl(), rocketride, engine: rocketride.engine, token: app.get(PipelineService).token };
  } catch (error) {
    await app.close();
    throw error;
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
