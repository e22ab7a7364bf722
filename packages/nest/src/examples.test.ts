import { readFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { type RocketRide, startEngine } from 'rocketride-streams';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModule } from '../examples/async-config.js';
import { ROCKETRIDE_CLIENT } from './index.js';
import { createContext } from './test-support.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const source = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8').trim();
const ENV_KEYS = ['ENGINE_URI', 'ENGINE_KEY', 'ROCKETRIDE_URI'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
let app: INestApplicationContext | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('README examples', () => {
  it('forRootAsync with settings: the simulator in-process when no engine URI is set', async () => {
    delete process.env.ENGINE_URI;
    delete process.env.ENGINE_KEY;
    delete process.env.ROCKETRIDE_URI;
    app = await createContext(AppModule);
    const client = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    expect(client.engine).toBeDefined();
    expect(client.isConnected()).toBe(true);
  });

  it('forRootAsync with settings: the configured engine and key otherwise', async () => {
    const engine = await startEngine({ apiKey: 'settings-key' });
    try {
      process.env.ENGINE_URI = engine.uri;
      process.env.ENGINE_KEY = 'settings-key';
      app = await createContext(AppModule);
      expect(app.get<RocketRide>(ROCKETRIDE_CLIENT).engine).toBeUndefined();
      expect(engine.connectionCount()).toBe(1);
      await app.close();
      app = undefined;
    } finally {
      await engine.close();
    }
  });

  it('the README shows the example file verbatim (the nest-app snippets are checked by that example)', () => {
    expect(readme).toContain(source('../examples/async-config.ts'));
  });
});
