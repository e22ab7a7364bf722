import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();
let dir: string;
let cwd: string;
const clients: RocketRideClient[] = [];

beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'rr-dotenv-'));
  process.chdir(dir);
  vi.stubEnv('ROCKETRIDE_URI', undefined);
  vi.stubEnv('ROCKETRIDE_APIKEY', undefined);
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.disconnect();
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('.env in the current directory (PROTOCOL.md §1.3)', () => {
  it('supplies ROCKETRIDE_URI and ROCKETRIDE_APIKEY, and other ROCKETRIDE_* are forwarded to execute', async () => {
    const engine = await h.engine({ apiKey: 'from-dotenv' });
    writeFileSync(
      join(dir, '.env'),
      `ROCKETRIDE_URI=127.0.0.1:${engine.port}\nROCKETRIDE_APIKEY="from-dotenv"\nROCKETRIDE_TEAM=blue\n`,
    );
    const client = new RocketRideClient();
    clients.push(client);
    expect(client.getConnectionInfo().uri).toBe(`ws://127.0.0.1:${engine.port}/task/service`);
    await client.connect();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const execute = engine.requests().find((r) => r.command === 'execute')!;
    expect(execute.arguments.env).toEqual({ ROCKETRIDE_URI: `127.0.0.1:${engine.port}`, ROCKETRIDE_TEAM: 'blue' });
  });

  it('the process environment wins over .env, and options win over both', async () => {
    const engine = await h.engine({ apiKey: 'from-process' });
    writeFileSync(join(dir, '.env'), `ROCKETRIDE_URI=127.0.0.1:${engine.port}\nROCKETRIDE_APIKEY=from-dotenv\n`);
    vi.stubEnv('ROCKETRIDE_APIKEY', 'from-process');
    const client = new RocketRideClient();
    clients.push(client);
    await client.connect();
    const withOption = new RocketRideClient({ auth: 'from-option' });
    clients.push(withOption);
    const error = await withOption.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
  });
});
