import { inspect } from 'node:util';
import type { AuthenticationError, ConnectionError } from '@rocketride-streams/core';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { connectPool } from './index.js';
import { useEngines } from './test-support/engines.js';
import { startSim } from './test-support/sims.js';

const h = useEngines();

const shown = (value: unknown): string[] => [
  inspect(value, { depth: null }),
  inspect(value, { depth: null, showHidden: true }),
  JSON.stringify(value) ?? '',
];

describe('no credential in what the pool shows', () => {
  it('util.inspect and JSON of the pool, a PoolTask, the health list and an engine error hold neither key nor task token', async () => {
    const KEY_A = 'zz-pool-key-a-4f1c9e';
    const KEY_B = 'zz-pool-key-b-83d2aa';
    const [a] = await h.start(1, { apiKey: KEY_A });
    const [b] = await h.start(1, { apiKey: KEY_B });
    const pool = h.keep(
      await connectPool({
        engines: [
          { uri: a!.uri, auth: KEY_A },
          { uri: b!.uri, auth: KEY_B },
        ],
        env: {},
      }),
    );
    const task = await pool.use(ECHO_PIPELINE);
    const token = task.tokenOf(pool.engines[0]!)!;
    const health = await firstValueFrom(pool.engines$());
    await b!.close();
    const refused = await task.upload('x', { noEngineWaitMs: 0 }).catch((e: unknown) => e);
    for (const value of [pool, task, health, pool.health(), refused, task.replicas]) {
      for (const text of shown(value)) {
        expect(text).not.toContain(KEY_A);
        expect(text).not.toContain(KEY_B);
        expect(text).not.toContain(token);
      }
    }
    expect(inspect(pool)).toMatch(/^RocketRidePool \{/);
    expect(inspect(task)).toMatch(/^PoolTask \{/);
  });

  it('an engine refusing the credential fails connectPool with an AuthenticationError naming the engine, not the key', async () => {
    const WRONG = 'zz-wrong-key-77aa01';
    const [a, b] = await h.start(2);
    const error = (await connectPool({ engines: [{ uri: a!.uri, name: 'good' }, { uri: b!.uri, name: 'bad', auth: WRONG }], auth: 'K', env: {} }).catch((e: unknown) => e)) as AuthenticationError;
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.message).toMatch(/^Engine bad: /);
    for (const text of shown(error)) expect(text).not.toContain(WRONG);
    expect(a!.connectionCount()).toBe(0); // the pool closed the engine it had reached
  });
});

describe('pool.disconnect() leaves nothing running', () => {
  const resources = () => {
    const counts: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
    return { sockets: counts.TCPSocketWrap ?? 0, timers: counts.Timeout ?? 0 };
  };

  it('with an engine reconnecting, a pipe open and an upload waiting for a slot: all end, no socket or timer is left', async () => {
    // Engines in other processes, so every socket and timer of this process is the client's.
    const up = await startSim();
    const gone = await startSim();
    await gone.stop(); // its port is free: that engine is down and the client keeps retrying it
    try {
      const before = resources();
      const pool = await connectPool({ engines: [up.uri, gone.uri], auth: 'K', env: {}, reconnectDelay: 20, maxReconnectDelay: 60 });
      expect(pool.health().map((e) => e.connected)).toEqual([true, false]);
      const task = await pool.use(ECHO_PIPELINE, { threads: 1 });
      const open = task.pipe();
      const openFailed = new Promise<Error>((resolve) => open.once('error', resolve));
      open.write(Buffer.from('partial'));
      const waiting = task.upload(Buffer.from('queued')).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      await pool.disconnect();
      expect(((await waiting) as ConnectionError).code).toBe('ERR_DISCONNECTED');
      expect(((await openFailed) as ConnectionError).code).toMatch(/^ERR_(DISCONNECTED|CONNECTION_LOST)$/);
      let after = resources();
      for (let i = 0; i < 100 && (after.sockets > before.sockets || after.timers > before.timers); i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = resources();
      }
      expect(after.sockets).toBeLessThanOrEqual(before.sockets);
      expect(after.timers).toBeLessThanOrEqual(before.timers);
    } finally {
      await up.stop();
    }
  });
});
