import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '@rocketride-streams/core';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { upload } from './upload.js';

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
let dir: string | undefined;
afterEach(async () => {
  await client?.disconnect().catch(() => {});
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  client = undefined;
  engine = undefined;
  dir = undefined;
});

const openFds = () => readdirSync('/proc/self/fd').length;

describe.skipIf(process.platform !== 'linux')('upload() with unusable options', () => {
  it('refuses them before opening the file (no descriptor left open) and opens no pipe', async () => {
    engine = await startEngine();
    client = new RocketRideClient({ uri: engine.uri, auth: 'k', env: {} });
    await client.connect();
    dir = await mkdtemp(join(tmpdir(), 'rr-opts-'));
    const path = join(dir, 'a.bin');
    await writeFile(path, Buffer.alloc(10_000, 1));
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      await expect(upload(client, 'any-token', { path }, { maxWriteBytes: 0 })).rejects.toThrow(/maxWriteBytes/);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(openFds()).toBe(before);
    expect(engine.requests().filter((r) => r.command === 'rrext_process')).toHaveLength(0);
  });
});
