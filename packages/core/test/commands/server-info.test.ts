import { type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../src/errors/abort-error.js';
import { RocketRideClient } from '../../src/client/client.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

describe('getServerInfo() on a socket of its own', () => {
  it('an abort leaves no timer behind (the probe timeout is cleared)', async () => {
    engine = await startEngine();
    engine.faults.withholdResponse('rrext_public_probe');
    const client = new RocketRideClient({ uri: engine.uri, env: {} });
    const before = timers();
    const ac = new AbortController();
    const probe = client.getServerInfo({ signal: ac.signal });
    await until(() => engine!.requests().some((r) => r.command === 'rrext_public_probe'));
    ac.abort();
    await expect(probe).rejects.toBeInstanceOf(AbortError);
    await until(() => engine!.connectionCount() === 0);
    // The sockets' own closing-handshake timers (ws, both ends) go away shortly after the close; a probe timer left
    // behind would stay for its 180 s. Give the former a bounded moment, then count.
    const deadline = Date.now() + 2000;
    while (timers() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // At most as many as before: a timer the engine had running may have fired meanwhile.
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
