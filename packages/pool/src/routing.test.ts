import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type ConnectionError, PipeError } from '@rocketride-streams/core';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { firstValueFrom, filter as rxFilter, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { connectPool } from './index.js';
import { dataOps, FRESH_PIPELINE, useEngines } from './test-support/engines.js';
import { makeFiles } from './test-support/files.js';

const h = useEngines();
const fast = { reconnectDelay: 20, maxReconnectDelay: 100 };

describe('routing', () => {
  it('a token goes only to the engine that issued it (each engine issues its own)', async () => {
    const engines = await h.start(3);
    const pool = h.keep(await connectPool({ engines: engines.map((e) => e.uri), auth: 'K', env: {} }));
    const task = await pool.use(FRESH_PIPELINE);
    const tokens = pool.engines.map((name) => task.tokenOf(name)!);
    expect(new Set(tokens).size).toBe(3);
    await Promise.all(Array.from({ length: 12 }, (_, i) => task.upload(Buffer.from(`object ${i}`))));
    engines.forEach((engine, i) => {
      const used = new Set(dataOps(engine).map((r) => r.arguments.token));
      expect([...used]).toEqual([tokens[i]]);
    });
  });

  it("round-robin takes the engines in turn whatever their load; least-pipes avoids a busy engine", async () => {
    const engines = await h.start(2);
    const rr = h.keep(await connectPool({ engines: engines.map((e) => e.uri), auth: 'K', env: {}, strategy: 'round-robin' }));
    const task = await rr.use(ECHO_PIPELINE, { token: 'rr' });
    const busy = task.pipe(); // held open on engine 0
    expect(busy.engine).toBe(rr.engines[0]);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await task.upload(Buffer.from('x'))).engine);
    expect(order).toEqual([rr.engines[1], rr.engines[0], rr.engines[1], rr.engines[0]]);
    busy.end();
    await once(busy, 'finish');

    const lp = h.keep(await connectPool({ engines: engines.map((e) => e.uri), auth: 'K', env: {} }));
    const task2 = await lp.use(ECHO_PIPELINE, { token: 'lp' });
    const held = task2.pipe();
    const next = [];
    for (let i = 0; i < 3; i++) next.push((await task2.upload(Buffer.from('x'))).engine);
    // The engine holding the open pipe has more than the other, so each upload goes to the other one.
    expect(held.engine).toBe(lp.engines[0]);
    expect(next).toEqual([lp.engines[1], lp.engines[1], lp.engines[1]]);
    held.end();
    await once(held, 'finish');
  });

  it('a file whose engine drops before close is re-sent from its start on another engine and committed there once', async () => {
    const [a, b] = await h.start(2);
    const pool = h.keep(await connectPool({ engines: [a!.uri, b!.uri], auth: 'K', env: {}, strategy: 'round-robin', ...fast }));
    const task = await pool.use(ECHO_PIPELINE);
    const data = makeFiles(1, 600_000, 600_000);
    try {
      a!.faults.closeAfterBytes(200_000); // the connection to engine A dies in the middle of the file
      const [result] = await task.uploadFiles(data.files.map((f) => f.path), { concurrency: 1, fileChunkSize: 64 * 1024, maxWriteBytes: 64 * 1024 });
      expect(result).toMatchObject({ ok: true, status: 'committed', engine: pool.engines[1], attempts: 2 });
      expect(a!.pipes().filter((p) => p.state === 'closed')).toEqual([]);
      const onB = b!.pipes().filter((p) => p.state === 'closed');
      expect(onB.map((p) => p.object.name)).toEqual([data.files[0]!.name]);
      expect(onB[0]!.received.length).toBe(600_000);
    } finally {
      data.remove();
    }
  });

  it('commit-unknown: a close without an answer is reported, not re-sent; with retryUnknown it is re-sent (and may be committed twice)', async () => {
    const [a, b] = await h.start(2);
    const pool = h.keep(await connectPool({ engines: [a!.uri, b!.uri], auth: 'K', env: {}, strategy: 'round-robin' }));
    const task = await pool.use(ECHO_PIPELINE);
    const data = makeFiles(1, 1000, 1000);
    const held = (name: string) => [a!, b!].flatMap((e) => e.pipes().filter((p) => p.state === 'closed' && p.object.name === name));
    try {
      a!.faults.withholdResponse('rrext_process:close', { times: 1 });
      const [unknown] = await task.uploadFiles([data.files[0]!.path], { closeTimeoutMs: 300 });
      expect(unknown).toMatchObject({ ok: false, status: 'commit-unknown', engine: pool.engines[0], attempts: 1 });
      expect(unknown!.error).toBeInstanceOf(PipeError);
      expect((unknown!.error as PipeError).code).toBe('ERR_COMMIT_UNKNOWN');
      expect(held(data.files[0]!.name)).toHaveLength(1); // the engine did commit it: that is what "unknown" covers

      a!.faults.withholdResponse('rrext_process:close', { times: 1 });
      await task.upload(Buffer.from('turn'), { name: 'turn.bin' }); // engine B's turn goes by: the file goes to A again
      const [retried] = await task.uploadFiles([data.files[0]!.path], { closeTimeoutMs: 300, retryUnknown: true });
      expect(retried).toMatchObject({ ok: true, status: 'committed', engine: pool.engines[1], attempts: 2 });
      expect(held(data.files[0]!.name)).toHaveLength(3);
    } finally {
      data.remove();
    }
  });

  it('with no engine connected, pipe() and writable() fail ERR_NO_ENGINE and upload() gives up after noEngineWaitMs; nothing is sent', async () => {
    const [a] = await h.start(1);
    const pool = h.keep(await connectPool({ engines: [a!.uri], auth: 'K', env: {}, ...fast }));
    const task = await pool.use(ECHO_PIPELINE);
    const before = dataOps(a!).length;
    await a!.close();
    await firstValueFrom(pool.engines$().pipe(rxFilter((list) => !list[0]!.connected)));
    const sink = task.pipe();
    const [error] = await new Promise<[ConnectionError]>((resolve) => sink.once('error', (e: ConnectionError) => resolve([e])));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'ERR_NO_ENGINE',
      message: 'No engine of the pool can take the pipe: none is connected with the task running (waited not at all)',
    });
    expect(sink.engine).toBeUndefined();
    const web = task.writable();
    const refused = (await web.getWriter().write(Buffer.from('x')).catch((e: unknown) => e)) as ConnectionError;
    expect(refused.code).toBe('ERR_NO_ENGINE');
    expect(((await web.result.catch((e: unknown) => e)) as ConnectionError).code).toBe('ERR_NO_ENGINE');
    const late = (await task.upload(Buffer.from('x'), { noEngineWaitMs: 50 }).catch((e: unknown) => e)) as ConnectionError;
    expect({ code: late.code, message: late.message }).toEqual({
      code: 'ERR_NO_ENGINE',
      message: 'No engine of the pool can take the pipe: none is connected with the task running (waited for 50 ms)',
    });
    expect(dataOps(a!).length).toBe(before);
    const health = pool.health()[0]!;
    expect(health.connected).toBe(false);
    expect(health.lastError?.code).toMatch(/^ERR_/);
  });
});

describe('events$, status$ and engines$', () => {
  it('events$(task) merges both engines’ events tagged with the engine; status$ sums their counters', async () => {
    const engines = await h.start(2);
    const pool = h.keep(await connectPool({ engines: engines.map((e, i) => ({ uri: e.uri, name: `e${i}` })), auth: 'K', env: {} }));
    const task = await pool.use(ECHO_PIPELINE);
    const tagged = new Set<string>();
    const sub = pool.events$(task).subscribe((event) => tagged.add(event.engine));
    const counted = firstValueFrom(pool.status$(task).pipe(rxFilter((s) => s.totals.completedCount === 6 && Object.keys(s.engines).length === 2)));
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all(Array.from({ length: 6 }, () => task.upload(randomBytes(1000))));
    const status = await counted;
    expect(Object.keys(status.engines).sort()).toEqual(['e0', 'e1']);
    expect(status.totals.completedCount).toBe(6);
    expect(status.engines.e0!.completedCount + status.engines.e1!.completedCount).toBe(6);
    sub.unsubscribe();
    expect([...tagged].sort()).toEqual(['e0', 'e1']);
  });

  it('engines$() emits the health at once and on every change: open pipes while a pipe is open, then zero', async () => {
    const engines = await h.start(1);
    const pool = h.keep(await connectPool({ engines: [{ uri: engines[0]!.uri, name: 'only' }], auth: 'K', env: {} }));
    const task = await pool.use(ECHO_PIPELINE);
    const seen = pool.engines$().pipe(take(3), toArray());
    const collected = firstValueFrom(seen);
    const sink = task.pipe();
    sink.end(Buffer.from('x'));
    const list = await collected;
    expect(list.map((l) => l[0]!.openPipes)).toEqual([0, 1, 0]);
    expect(list[0]![0]).toMatchObject({ name: 'only', connected: true, state: 'open' });
  });
});
