import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { RocketRide } from './client.js';
import { connect } from './connect.js';

let engine: Engine | undefined;
let client: RocketRide | undefined;
let dir: string | undefined;
const cwd = process.cwd();
afterEach(async () => {
  process.chdir(cwd);
  await client?.disconnect();
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  client = undefined;
  engine = undefined;
  dir = undefined;
});

describe('connect({ embedded: true })', () => {
  it('uses the engine configured in ./.env (read by the client) instead of starting the simulator', async () => {
    engine = await startEngine({ apiKey: 'dotenv-key' });
    dir = await mkdtemp(join(tmpdir(), 'rr-dotenv-'));
    await writeFile(join(dir, '.env'), `ROCKETRIDE_URI=${engine.uri}\nROCKETRIDE_APIKEY=dotenv-key\n`);
    process.chdir(dir);
    const saved = { uri: process.env.ROCKETRIDE_URI, key: process.env.ROCKETRIDE_APIKEY };
    delete process.env.ROCKETRIDE_URI;
    delete process.env.ROCKETRIDE_APIKEY;
    try {
      client = await connect({ embedded: true });
    } finally {
      if (saved.uri !== undefined) process.env.ROCKETRIDE_URI = saved.uri;
      if (saved.key !== undefined) process.env.ROCKETRIDE_APIKEY = saved.key;
    }
    expect(client.engine).toBeUndefined();
    expect(engine.connectionCount()).toBe(1);
  });
});
