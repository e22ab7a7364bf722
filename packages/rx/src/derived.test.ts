import { EventEmitter } from 'node:events';
import { PipeWritable } from '@rocketride-streams/streams';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { connection$, type ConnectionState } from './connection.js';
import { progress$, type SinkProgress } from './progress.js';
import { sse$ } from './sse.js';
import { status$ } from './status.js';
import { task$ } from './task.js';
import { CHAT_PIPELINE, ECHO_PIPELINE, footprint, monitorRequests, until, useEngines } from './test-support.js';

const h = useEngines();

describe('status$', () => {
  it('replays the latest status to a late subscriber and completes with the final one', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const stream = status$(client, task.token, { graceMs: 0 });
    const early = stream.subscribe();
    const first = await firstValueFrom(stream);
    expect(first).toMatchObject({ state: 3, completed: false });
    // A late subscriber gets the latest at once, from the replay (no second server subscription).
    const late = await firstValueFrom(stream);
    expect(late).toBe(first);
    expect(monitorRequests(engine)).toHaveLength(1);

    const finished = firstValueFrom(stream.pipe(filter((s) => s.completed)));
    const all = lastValueFrom(stream.pipe(toArray()));
    await client.terminate(task.token);
    expect(await finished).toMatchObject({ completed: true, state: 6, exitMessage: 'Task cancelled by request' });
    const seen = await all;
    expect(seen.at(-1)?.completed).toBe(true);
    expect(seen.filter((s) => s.completed)).toHaveLength(1);
    early.unsubscribe();
    await until(() => engine.monitorCount() === 0, 'the remove');
  });

  it('emits a status even when this client already holds the SUMMARY subscription (no catch-up)', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    await client.addMonitor({ token: task.token }, ['SUMMARY']);
    const status = await firstValueFrom(status$(client, task.token, { graceMs: 0 }));
    expect(status).toMatchObject({ state: 3, project_id: ECHO_PIPELINE.project_id });
    expect(monitorRequests(engine)).toHaveLength(1); // the union did not change: no second add
    await client.removeMonitor({ token: task.token }, ['SUMMARY']);
  });
});

describe('task$', () => {
  it('reports running, then end, and completes', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const actions: string[] = [];
    let completed = false;
    task$(client, task.token, { graceMs: 0 }).subscribe({ next: (s) => actions.push(s.action), complete: () => (completed = true) });
    await until(() => actions.length === 1, 'the first step');
    expect(actions).toEqual(['running']);
    await client.terminate(task.token);
    await until(() => completed, 'completion');
    expect(actions).toEqual(['running', 'end']);
  });

  it('a task that already ended yields end at once', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    await client.terminate(task.token);
    const steps = await lastValueFrom(task$(client, task.token, { graceMs: 0 }).pipe(toArray()));
    expect(steps.map((s) => s.action)).toEqual(['end']);
    expect(steps[0]?.status?.completed).toBe(true);
  });
});

describe('sse$', () => {
  it('delivers the SSE messages of the task, optionally of one pipe', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: CHAT_PIPELINE });
    const all: Array<{ pipeId: number; type: string }> = [];
    const sub = sse$(client, task.token, undefined, { graceMs: 0 }).subscribe((m) => all.push(m));
    await until(() => footprint(client).event === 1, 'the subscription');
    await client.chat({ token: task.token, question: 'hello?' });
    await until(() => all.some((m) => m.type === 'answer'), 'the answer');
    const pipeId = all[0]?.pipeId as number;
    expect(all.map((m) => m.type)).toEqual(['thinking', 'answer']);
    expect(all[0]).toMatchObject({ taskId: task.id, data: { message: 'Thinking…' } });

    const onlyOther: unknown[] = [];
    const other = sse$(client, task.token, pipeId + 1000, { graceMs: 0 }).subscribe((m) => onlyOther.push(m));
    const same: unknown[] = [];
    const mine = sse$(client, task.token, pipeId, { graceMs: 0 }).subscribe((m) => same.push(m));
    await client.chat({ token: task.token, question: 'again?' });
    await until(() => all.length === 4, 'the second exchange');
    sub.unsubscribe();
    other.unsubscribe();
    mine.unsubscribe();
    expect(onlyOther).toEqual([]);
    // The second chat may use the same pipe id (ids are reused) or another one.
    const second = all.slice(2);
    expect(same).toEqual(second.every((m) => m.pipeId === pipeId) ? second : []);
  });
});

describe('connection$', () => {
  it('starts with the current state and follows connect and disconnect', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const states: ConnectionState[] = [];
    const sub = connection$(client).subscribe((s) => states.push(s));
    expect(states).toEqual([{ state: 'disconnected', reason: 'Not connected', hasError: false }]);
    const connecting = client.connect();
    const late: ConnectionState[] = [];
    connection$(client).subscribe((s) => late.push(s)).unsubscribe();
    expect(late).toEqual([{ state: 'disconnected', reason: 'Not connected', hasError: false }]); // replayed latest
    await connecting;
    expect(states.at(-1)).toEqual({ state: 'connected', generation: 1 });
    await client.disconnect();
    expect(states.at(-1)).toMatchObject({ state: 'disconnected', reason: 'Disconnected by request' });
    sub.unsubscribe();
    expect(footprint(client)).toEqual({ connected: 0, disconnected: 0, reconnecting: 0, connectError: 0, event: 0, protocolError: 0, shared: 0 });
  });

  it('reports a connecting state to the first subscriber during a connect', async () => {
    const engine = await h.engine();
    const client = h.client(engine);
    const connecting = client.connect();
    const first = await firstValueFrom(connection$(client));
    expect(first).toEqual({ state: 'connecting' });
    await connecting;
  });
});

describe('progress$', () => {
  it('follows a PipeWritable to the engine and completes on finish', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const sink = new PipeWritable(client, task.token, { mimeType: 'application/octet-stream', size: 3 * 65_536 });
    const seen = lastValueFrom(progress$(sink).pipe(toArray()));
    for (let i = 0; i < 3; i++) sink.write(Buffer.alloc(65_536, i));
    sink.end();
    const values = await seen;
    expect(values[0]).toEqual({ bytesSent: 0, bytesAcknowledged: 0, writes: 0, total: 196_608 });
    expect(values.at(-1)).toMatchObject({ bytesSent: 196_608, bytesAcknowledged: 196_608, total: 196_608 });
    for (let i = 1; i < values.length; i++) {
      expect((values[i] as SinkProgress).bytesAcknowledged).toBeGreaterThanOrEqual((values[i - 1] as SinkProgress).bytesAcknowledged);
    }
    expect(sink.listenerCount('progress')).toBe(0);
  });

  it('errors on error, and with ERR_PIPE_ABANDONED when the sink closes unfinished', async () => {
    const failing = new EventEmitter();
    const failed = lastValueFrom(progress$(failing)).catch((e: unknown) => e);
    failing.emit('progress', { bytesSent: 1, bytesAcknowledged: 0, writes: 0 });
    failing.emit('error', new Error('boom'));
    expect(((await failed) as Error).message).toBe('boom');
    expect(failing.listenerCount('progress')).toBe(0);

    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const sink = new PipeWritable(client, task.token);
    const destroyed = lastValueFrom(progress$(sink)).catch((e: unknown) => e);
    sink.destroy();
    // The sink's own error for a destroy (the object was not committed).
    expect(await destroyed).toMatchObject({ code: 'ERR_PIPE_ABANDONED' });

    const closed = new EventEmitter();
    const unfinished = lastValueFrom(progress$(closed)).catch((e: unknown) => e);
    closed.emit('close');
    expect(await unfinished).toMatchObject({ code: 'ERR_PIPE_ABANDONED' });
  });
});
