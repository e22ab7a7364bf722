import { createRequire } from 'node:module';
import { connect } from 'node:net';
import * as common from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ROCKETRIDE_CLIENT } from '@rocketride-streams/nest';
import type { RocketRide } from 'rocketride-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';

const require = createRequire(import.meta.url);
let app: INestApplication | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('NestJS 10', () => {
  it('is what these tests load: @nestjs/common, core and platform-express 10.x, one instance each', () => {
    for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express']) {
      expect((require(`${name}/package.json`) as { version: string }).version, name).toMatch(/^10\./);
    }
    // the module's sources and these tests import the same @nestjs/common that Node resolves here
    expect(common.Module).toBe((require('@nestjs/common') as typeof common).Module);
  });

  it('an HTTP application injects the connected client, answers through it, and stops the embedded engine on close', async () => {
    delete process.env.ROCKETRIDE_URI; // a configured engine would replace the embedded simulator
    app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const response = await fetch(`${await app.getUrl()}/engine`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ connected: true, embedded: true });

    const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    const engine = client.engine;
    if (!engine) throw new Error('expected the embedded simulator');
    await app.close();
    app = undefined;
    expect(client.isConnected()).toBe(false);
    expect(await accepts(engine.port)).toBe(false);
  });
});
