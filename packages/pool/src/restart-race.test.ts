import type { AbortError } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
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

describe('pool.use() aborted while the engines start the task', () => {
  const running = (engines: Engine[]) => engines.flatMap((e) => e.tasks().filter((t) => !t.completed));
  const settle = async (engines: Engine[]) => {
    while (running(engines).length > 0) await new Promise((r) => setTimeout(r, 5));
  };

  it('rejects ERR_ABORTED at once and stops the task on every engine, also where the start answers after the abort', async () => {
    const [a, b] = await h.start(2);
    const pool = h.keep(await connectPool({ engines: [a!.uri, b!.uri], auth: 'K', env: {} }));
    b!.faults.delayResponse('execute', 150); // B answers its execute only after the abort
    const ctl = new AbortController();
    const using = pool.use(ECHO_PIPELINE, { signal: ctl.signal });
    while (a!.tasks().length === 0 || b!.requests().every((r) => r.command !== 'execute')) await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    const error = (await using.catch((e: unknown) => e)) as AbortError;
    expect({ name: error.name, code: error.code, message: error.message }).toEqual({ name: 'AbortError', code: 'ERR_ABORTED', message: 'pool.use() was aborted' });
    await settle([a!, b!]); // B's task, started by the execute whose answer came late, is stopped too
    expect([...a!.tasks(), ...b!.tasks()].map((t) => t.completed)).toEqual([true, true]);
    expect(b!.requests().filter((r) => r.command === 'terminate')).toHaveLength(1);
  });

  it('an aborted signal sends nothing', async () => {
    const [a] = await h.start(1);
    const pool = h.keep(await connectPool({ engines: [a!.uri], auth: 'K', env: {} }));
    const error = (await pool.use(ECHO_PIPELINE, { signal: AbortSignal.abort() }).catch((e: unknown) => e)) as AbortError;
    expect({ code: error.code, message: error.message }).toEqual({ code: 'ERR_ABORTED', message: 'pool.use() was aborted' });
    expect(a!.requests().filter((r) => r.command === 'execute')).toEqual([]);
  });
});
