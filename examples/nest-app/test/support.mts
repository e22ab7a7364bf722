import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
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

/** Starts the example on 127.0.0.1 (random port) with the embedded simulator; `options` go to `createApp`. */
export async function startApp(options: NestApplicationOptions = {}): Promise<RunningApp> {
  // An engine configured in the environment would replace the embedded simulator these tests inspect.
  delete process.env.ROCKETRIDE_URI;
  const app = await createApp({ logger: false, abortOnError: false, ...options });
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

/**
 * One request on a raw TCP socket, for what `fetch` cannot do: announce a `Content-Length`, send
 * less, then half-close (`end`) or reset (`reset`). `response` is what came back before the server
 * closed the connection (status 0 and no body when nothing did).
 */
export async function rawPost(url: string, path: string, headers: Record<string, string | number>) {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, 'connect');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  const head = [`POST ${path} HTTP/1.1`, `host: ${hostname}:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  return {
    write: (data: Uint8Array) => new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve()))),
    end: () => socket.end(),
    reset: () => socket.resetAndDestroy(),
    async response(): Promise<{ status: number; body: string }> {
      await closed;
      const raw = Buffer.concat(received).toString('latin1');
      const at = raw.indexOf('\r\n\r\n');
      if (at < 0) return { status: 0, body: '' };
      return { status: Number(raw.split(' ', 2)[1]), body: Buffer.from(raw.slice(at + 4), 'latin1').toString('utf8') };
    },
  };
}
