import type { RocketRideEvent } from '@rocketride-streams/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { events$ } from './events.js';
import { ofType } from './of-type.js';
import { ECHO_PIPELINE, echoInProject, footprint, monitorRequests, sleep, until, useEngines } from './test-support.js';

const h = useEngines();

describe('events$: the server subscription follows the subscribers', () => {
  it('subscribing adds rrext_monitor; the last unsubscribe removes it after the grace period', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const before = footprint(client);
    const seen: RocketRideEvent[] = [];
    const sub = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 30 }).subscribe((e) => seen.push(e));
    await until(() => monitorRequests(engine).length === 1 && seen.length > 0, 'the subscription');
    expect(monitorRequests(engine)[0]?.args).toEqual({ token: task.token, types: ['SUMMARY'] });
    expect(engine.monitorCount()).toBe(1);
    expect(footprint(client).event).toBe(before.event + 1);

    sub.unsubscribe();
    expect(monitorRequests(engine)).toHaveLength(1); // nothing yet: grace period
    await until(() => engine.monitorCount() === 0, 'the server subscription to go');
    expect(monitorRequests(engine)[1]?.args).toEqual({ token: task.token, types: [] });
    expect(footprint(client)).toEqual(before);
  });

  it('two subscribers with the same filter share one server subscription and one listener', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const before = footprint(client);
    const a = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 20 }).subscribe();
    const b = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 20 }).subscribe();
    await until(() => monitorRequests(engine).length === 1, 'the add');
    expect(footprint(client).event).toBe(before.event + 1);
    a.unsubscribe();
    await sleep(60);
    expect(monitorRequests(engine)).toHaveLength(1);
    expect(engine.monitorCount()).toBe(1);
    b.unsubscribe();
    await until(() => engine.monitorCount() === 0, 'the remove');
    expect(monitorRequests(engine)).toHaveLength(2);
    expect(footprint(client)).toEqual(before);
  });

  it('a resubscribe within the grace period reuses the subscription (no remove, no second add)', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const stream = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 5_000 });
    const first = stream.subscribe();
    await until(() => monitorRequests(engine).length === 1, 'the add');
    first.unsubscribe();
    const second = stream.subscribe();
    await client.ping(); // a round trip: any remove would have been sent before its reply
    expect(monitorRequests(engine)).toHaveLength(1);
    second.unsubscribe();
  });

  it('a refused subscription (unknown token) errors the stream with ERR_MONITOR and leaves nothing behind', async () => {
    const { engine, client } = await h.connected();
    const before = footprint(client);
    const error = await firstValueFrom(events$(client, { token: 'no-such-task' }, { graceMs: 0 })).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_MONITOR');
    expect((error as Error).message).toMatch(/not running/);
    await client.ping();
    expect(footprint(client)).toEqual(before);
    expect(engine.monitorCount()).toBe(0);
    expect(monitorRequests(engine)).toHaveLength(1); // no remove for an add that failed
  });

  it('rejects a malformed filter synchronously with ERR_INVALID_ARGUMENT', async () => {
    const { client } = await h.connected();
    expect(() => events$(client, { token: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => events$(client, { token: 't', types: ['BOGUS'] })).toThrow(/Unknown event type/);
    expect(() => events$(client, { token: 't', types: ['DASHBOARD'] })).toThrow(/token "\*"/);
    expect(() => events$(client, { token: 't', pipeId: -1 })).toThrow(/pipeId/);
  });
});

describe('events$: delivery', () => {
  it('catch-up events written before the rrext_monitor reply are delivered', async () => {
    const order: string[] = [];
    const { engine, client } = await h.connected(
      {},
      {
        onProtocolMessage: (m, dir) => {
          if (dir !== 'receive') return;
          if (m.type === 'event') order.push(`event:${m.event}`);
          if (m.type === 'response' && m.command === 'rrext_monitor') order.push('reply:rrext_monitor');
        },
      },
    );
    engine.faults.delayResponse('rrext_monitor', 50, { times: 1 });
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const events = await firstValueFrom(
      events$(client, { token: task.token, types: ['SUMMARY', 'TASK'] }, { graceMs: 0 }).pipe(take(2), toArray()),
    );
    expect(events.map((e) => e.event)).toEqual(['apaevt_status_update', 'apaevt_task']);
    // Both arrived (and were delivered) while the reply was still held back by the engine.
    expect(order).not.toContain('reply:rrext_monitor');
    // The subscriber is gone: once the add settles, the subscription is removed again.
    await until(() => order.includes('reply:rrext_monitor') && engine.monitorCount() === 0, 'the remove after the add');
    const [status, running] = events;
    expect(status?.body).toMatchObject({ __id: task.id, state: 3, status: 'Running' });
    expect(running?.body).toMatchObject({ action: 'running', tasks: [expect.objectContaining({ id: task.id })] });
  });

  it('delivers in arrival order, the same events a raw listener sees for that task', async () => {
    const { client } = await h.connected({ timing: { statusThrottleMs: 0 } });
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const raw: RocketRideEvent[] = [];
    const onEvent = (e: RocketRideEvent) => raw.push(e);
    client.on('event', onEvent);
    const got: RocketRideEvent[] = [];
    const sub = events$(client, { token: task.token, types: ['SUMMARY', 'DETAIL'] }, { graceMs: 0 }).subscribe((e) => got.push(e));
    for (let i = 0; i < 5; i++) await client.send(task.token, `line ${i}\n`, { name: `o${i}.txt` }, 'text/plain');
    await client.terminate(task.token);
    sub.unsubscribe();
    client.off('event', onEvent);
    expect(got.length).toBeGreaterThan(10);
    const seqs = got.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // This client holds no other subscription, so the raw listener saw exactly these frames.
    expect(got).toEqual(raw);
    expect(new Set(got.map((e) => e.event))).toEqual(
      new Set(['apaevt_status_update', 'apaevt_status_object', 'apaevt_status_counts']),
    );
  });

  it('filters client-side: events of another subscription on the same socket do not leak in', async () => {
    const { client } = await h.connected();
    const a = await client.use({ pipeline: echoInProject('11111111-1111-4111-8111-111111111111'), token: 'alpha-task' });
    const b = await client.use({ pipeline: echoInProject('22222222-2222-4222-8222-222222222222'), token: 'bravo-task' });
    const gotA: RocketRideEvent[] = [];
    const gotB: RocketRideEvent[] = [];
    const subA = events$(client, { token: a.token, types: ['SUMMARY', 'DETAIL'] }, { graceMs: 0 }).subscribe((e) => gotA.push(e));
    const subB = events$(client, { token: b.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe((e) => gotB.push(e));
    await client.send(b.token, 'to b', { name: 'b.txt' }, 'text/plain');
    await client.send(a.token, 'to a', { name: 'a.txt' }, 'text/plain');
    await client.terminate(b.token);
    await client.terminate(a.token);
    subA.unsubscribe();
    subB.unsubscribe();
    expect(gotA.length).toBeGreaterThan(2);
    expect(gotB.length).toBeGreaterThan(2);
    expect(gotA.every((e) => (e.body as { __id?: string }).__id === a.id)).toBe(true);
    expect(gotB.every((e) => (e.body as { __id?: string }).__id === b.id)).toBe(true);
    expect(gotB.every((e) => e.event === 'apaevt_status_update')).toBe(true);
    expect(gotA.some((e) => e.event === 'apaevt_status_object')).toBe(true);
  });

  it('ofType narrows the union to the named events, typed by name', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const status = await firstValueFrom(
      events$(client, { token: task.token, types: ['SUMMARY', 'TASK'] }, { graceMs: 0 }).pipe(ofType('apaevt_status_update')),
    );
    expectTypeOf(status.event).toEqualTypeOf<'apaevt_status_update'>();
    expectTypeOf(status.body.completed).toEqualTypeOf<boolean>();
    expect(status.event).toBe('apaevt_status_update');
    expect(status.body.state).toBe(3);
    const both = events$(client, { token: task.token }).pipe(ofType('apaevt_task', 'output'));
    expectTypeOf(both).toEqualTypeOf<import('rxjs').Observable<
      Extract<import('@rocketride-streams/core').KnownEvent, { event: 'apaevt_task' | 'output' }>
    >>();
  });

  it('a project/source filter sets a project key and delivers that task only', async () => {
    const { engine, client } = await h.connected();
    const p1 = '33333333-3333-4333-8333-333333333333';
    const a = await client.use({ pipeline: echoInProject(p1) });
    await client.use({ pipeline: echoInProject('44444444-4444-4444-8444-444444444444') });
    const other = await firstValueFrom(events$(client, { token: '*', types: ['SUMMARY'] }).pipe(take(2), toArray()));
    expect(other).toHaveLength(2);
    const got = await firstValueFrom(
      events$(client, { projectId: p1, source: 'webhook_1', types: ['SUMMARY'] }, { graceMs: 0 }).pipe(take(1)),
    );
    expect(got.body).toMatchObject({ __id: a.id, project_id: p1 });
    expect(monitorRequests(engine).some((r) => r.args.projectId === p1 && r.args.source === 'webhook_1')).toBe(true);
  });

  it('a token filter and a project filter for the same task share its engine key: removing one keeps the other', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    const byToken: RocketRideEvent[] = [];
    const byProject: RocketRideEvent[] = [];
    const a = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe((e) => byToken.push(e));
    const b = events$(client, { projectId: task.projectId, source: task.source, types: ['DETAIL'] }, { graceMs: 0 }).subscribe(
      (e) => byProject.push(e),
    );
    await until(() => engine.monitorCount() === 1 && byToken.length > 0, 'the subscription and its catch-up');
    // Subscribed in the same tick: one rrext_monitor carries both filters' types for the task's key.
    expect(monitorRequests(engine).at(-1)?.args).toEqual({ projectId: task.projectId, source: task.source, types: ['SUMMARY', 'DETAIL'] });
    await client.send(task.token, 'hello', { name: 'a.txt' }, 'text/plain');
    await until(() => byProject.some((e) => e.event === 'apaevt_status_object'), 'DETAIL for the project filter');

    a.unsubscribe();
    const sent = monitorRequests(engine).length;
    await until(() => monitorRequests(engine).length === sent + 1, 'the remove');
    expect(monitorRequests(engine).at(-1)?.args).toEqual({ projectId: task.projectId, source: task.source, types: ['DETAIL'] });
    expect(engine.monitorCount()).toBe(1);
    const seen = byProject.length;
    await client.send(task.token, 'again', { name: 'b.txt' }, 'text/plain');
    await until(() => byProject.slice(seen).some((e) => e.event === 'apaevt_status_object'), 'DETAIL after the other left');
    b.unsubscribe();
    await until(() => engine.monitorCount() === 0, 'the last remove');
  });
});
