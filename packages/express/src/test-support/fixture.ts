import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { connect, type Engine, type EngineOptions, type RocketRide } from 'rocketride-streams';

export interface EngineFixture {
  rocketride: RocketRide;
  engine: Engine;
  token: string;
  /** `rrext_process` subcommands the engine received, in order. */
  dataOps(): string[];
  /** How many pipes were opened (`open`) and committed (`close`) so far. */
  opens(): number;
  closes(): number;
  close(): Promise<void>;
}

/** `connect({ embedded: true })` (whatever the environment says) and the echo pipeline running. */
export async function startEngineFixture(engineOptions: EngineOptions = {}): Promise<EngineFixture> {
  const rocketride = await connect({ embedded: engineOptions, env: {} });
  const engine = rocketride.engine!;
  const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
  const dataOps = (): string[] =>
    engine
      .requests()
      .filter((r) => r.command === 'rrext_process')
      .map((r) => String(r.arguments.subcommand));
  return {
    rocketride,
    engine,
    token,
    dataOps,
    opens: () => dataOps().filter((op) => op === 'open').length,
    closes: () => dataOps().filter((op) => op === 'close').length,
    close: () => rocketride.disconnect(),
  };
}

/** Listens on 127.0.0.1 and a free port; resolves to the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server, cutting any connection still open. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Waits until `check()` holds, polling on timers (bounded, so a broken test fails rather than hangs). */
export async function until(check: () => boolean | Promise<boolean>, what: string, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
