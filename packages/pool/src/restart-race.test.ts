import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { connectPool } from './index.js';
import { useEngines } from './test-support/engines.js';

const h = useEngines();

describe('pool.terminate() while an engine is starting the task', () => {
  it('a start still in flight on an engine that came back is stopped there once it answers: no task left running', async () => {
    const [a, gone] = await h.start(2);
    const port = gone!.port;
    await gone!.close(); // engine B is down when the task starts: the pool starts it there when B connects
    const pool = h.keep(await connectPool({ engines: [a!.uri, `ws://127.0.0.1:${port}`], auth: 'K', env: {}, reconnectDelay: 20, maxReconnectDelay: 50 }));
    const task = await pool.use(ECHO_PIPELINE);
    const [b] = await h.start(1, { port });
    b!.faults.delayResponse('execute', 200); // B's start of the task is in flight while terminate() runs
    while (!b!.requests().some((r) => r.command === 'execute')) await new Promise((r) => setTimeout(r, 5));
    await pool.terminate(task);
    expect(a!.tasks().map((t) => t.completed)).toEqual([true]);
    while (!b!.requests().some((r) => r.command === 'terminate')) await new Promise((r) => setTimeout(r, 5));
    while (b!.tasks().some((t) => !t.completed)) await new Promise((r) => setTimeout(r, 5));
    expect(b!.tasks().map((t) => [t.token, t.completed])).toEqual([[task.tokenOf(pool.engines[1]!), true]]);
  });
});
