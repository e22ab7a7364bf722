import type { RocketRideError, RocketRideEvent, TaskStatus } from '@rocketride-streams/core';
import fc from 'fast-check';
import { firstValueFrom, type Subscription, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { events$ } from './events.js';
import { type EventsFilter, normalizeFilter } from './filter.js';
import { eventFrame, guardProcess, TASK_ID, TOKEN, useHostileEngine } from './hostile-support.js';
import { sse$, type SseMessage } from './sse.js';
import { status$ } from './status.js';
import { type TaskLifecycle, task$ } from './task.js';
import { until } from './test-support.js';

/**
 * Bug 2 of issue 9 (rx side): a malformed event body must make no matcher or stream operator throw,
 * must not error a stream without a code, and must not reach other subscribers as an exception.
 */

const seen = guardProcess();
const connected = useHostileEngine();

describe('task$ on malformed TASK events', () => {
  it('a running catch-up with tasks [null] (and other bad entries) throws nowhere: the listed task still counts, the stream ends normally', async () => {
    const { engine, client } = await connected();
    const steps: TaskLifecycle[] = [];
    const raw: RocketRideEvent[] = [];
    const done = firstValueFrom(task$(client, TOKEN).pipe(toArray()));
    const sub = events$(client, { token: TOKEN, types: ['TASK'] }).subscribe((e) => raw.push(e));
    task$(client, TOKEN).subscribe((s) => steps.push(s));
    await until(() => engine.commands.filter((c) => c === 'rrext_monitor').length >= 1, 'the subscription');
    await client.ping();
    engine.push(
      eventFrame('apaevt_task', '{"action":"running","tasks":[null],"__id":""}'),
      eventFrame('apaevt_task', `{"action":"running","tasks":[null,5,"x",[],{"id":7},{"id":"${TASK_ID}","name":3,"projectId":"p","source":"s"}],"__id":""}`),
      eventFrame('apaevt_task', `{"action":"end","__id":"${TASK_ID}","name":"task"}`),
    );
    const all = await done;
    expect(all.map((s) => s.action)).toEqual(['running', 'end']);
    expect(all.at(-1)).toEqual({ action: 'end', taskId: TASK_ID, name: 'task' });
    // The catch-up listing only null matched no task; the one listing the task reached events$.
    expect(raw.map((e) => (e.body as { action: string }).action)).toEqual(['running', 'end']);
    sub.unsubscribe();
  });

  it('a catch-up about the task whose tasks is not an array is skipped and reported with ERR_EVENT_INVALID, not an error of the stream', async () => {
    const { engine, client } = await connected();
    const reported: RocketRideError[] = [];
    const done = firstValueFrom(task$(client, TOKEN, { onError: (e) => reported.push(e) }).pipe(toArray()));
    await until(() => engine.commands.includes('rrext_monitor'), 'the subscription');
    await client.ping();
    engine.push(
      eventFrame('apaevt_task', `{"action":"running","tasks":"x","__id":"${TASK_ID}"}`),
      eventFrame('apaevt_task', `{"action":"explode","__id":"${TASK_ID}"}`),
      eventFrame('apaevt_task', `{"action":"end","__id":"${TASK_ID}"}`),
    );
    const all = await done;
    expect(all.map((s) => s.action)).toEqual(['running', 'end']);
    expect(reported.map((e) => [e.name, e.code, e.message])).toEqual([
      ['ProtocolError', 'ERR_EVENT_INVALID', 'Skipped an apaevt_task event that is a "running" catch-up whose "tasks" is not an array'],
      ['ProtocolError', 'ERR_EVENT_INVALID', 'Skipped an apaevt_task event that has an unknown "action"'],
    ]);
  });
});

describe('status$ and sse$ on malformed bodies', () => {
  it('status$ skips a status event without a body object (reported with ERR_EVENT_INVALID) instead of erroring', async () => {
    // With token '*' every SUMMARY event matches, also one without a body.
    const { engine, client } = await connected();
    const reported: RocketRideError[] = [];
    const statuses: TaskStatus[] = [];
    let failure: unknown;
    const sub = status$(client, '*', { onError: (e) => reported.push(e) }).subscribe({ next: (s) => statuses.push(s), error: (e) => (failure = e) });
    await until(() => statuses.length === 1, 'the first status (from getTaskStatus)');
    engine.push(
      eventFrame('apaevt_status_update'),
      eventFrame('apaevt_status_update', 'null'),
      eventFrame('apaevt_status_update', `{"__id":"${TASK_ID}","state":"x","completed":false,"name":5}`),
    );
    await until(() => statuses.length === 2 || failure !== undefined, 'the good status');
    expect(failure).toBeUndefined();
    expect(statuses[1]).toMatchObject({ completed: false, state: 'x' });
    expect(reported.map((e) => [e.code, e.message])).toEqual([
      ['ERR_EVENT_INVALID', 'Skipped an apaevt_status_update event without a body object'],
      ['ERR_EVENT_INVALID', 'Skipped an apaevt_status_update event without a body object'],
    ]);
    sub.unsubscribe();
  });

  it('sse$ skips a body without an integer pipe_id (reported) and normalises type and data', async () => {
    const { engine, client } = await connected();
    const reported: RocketRideError[] = [];
    const messages: SseMessage[] = [];
    const sub = sse$(client, TOKEN, undefined, { onError: (e) => reported.push(e) }).subscribe((m) => messages.push(m));
    await until(() => engine.commands.includes('rrext_monitor'), 'the subscription');
    await client.ping();
    engine.push(
      eventFrame('apaevt_sse', `{"pipe_id":"0","__id":"${TASK_ID}","type":"a"}`),
      eventFrame('apaevt_sse', `{"pipe_id":0,"__id":"${TASK_ID}","type":5,"data":[1]}`),
      eventFrame('apaevt_sse', `{"pipe_id":1,"__id":"${TASK_ID}","type":"answer","data":{"n":1}}`),
    );
    await until(() => messages.length === 2, 'the two good messages');
    expect(messages).toEqual([
      { pipeId: 0, type: '', taskId: TASK_ID },
      { pipeId: 1, type: 'answer', data: { n: 1 }, taskId: TASK_ID },
    ]);
    expect(reported.map((e) => [e.code, e.message])).toEqual([
      ['ERR_EVENT_INVALID', 'Skipped an apaevt_sse event without a body object and integer pipe_id'],
    ]);
    sub.unsubscribe();
  });
});

const BAD_BODIES = ['null', '{}', '{"__id":5}', '{"__id":null,"pipe_id":"1","id":{}}', '{"action":"running","tasks":[null]}', '{"action":"running","tasks":{"length":1}}', '{"project_id":5,"source":[]}', '{"__proto__":{"x":1},"constructor":1}'];
const CLASSES = ['apaevt_status_update', 'apaevt_status_error', 'apaevt_task', 'apaevt_flow', 'output', 'apaevt_sse', 'apaevt_dashboard', 'apaevt_unknown'];

describe('events$ subscribers with every kind of filter survive bodies of every shape', () => {
  it('no matcher throws, and a good event after the bad ones reaches every subscriber', async () => {
    const { engine, client } = await connected();
    const filters: EventsFilter[] = [
      { token: TOKEN, types: ['ALL'] },
      { token: '*', types: ['ALL'] },
      { token: TOKEN, types: ['SSE', 'FLOW'], pipeId: 1 },
      { projectId: 'p', source: 's', types: ['ALL'] },
      { projectId: 'p', source: '*', types: ['TASK', 'FLOW'] },
    ];
    const got = filters.map(() => [] as RocketRideEvent[]);
    const subs: Subscription[] = filters.map((f, i) => events$(client, f).subscribe((e) => got[i]!.push(e)));
    await until(() => engine.commands.filter((c) => c === 'rrext_monitor').length >= 4, 'the subscriptions');
    await client.ping();
    for (const cls of CLASSES) {
      engine.push(eventFrame(cls));
      for (const body of BAD_BODIES) engine.push(eventFrame(cls, body));
    }
    engine.push(eventFrame('apaevt_flow', `{"id":1,"__id":"${TASK_ID}","project_id":"p","source":"s"}`));
    await client.ping();
    expect(got.map((list) => list.at(-1)?.event)).toEqual(filters.map(() => 'apaevt_flow'));
    for (const s of subs) s.unsubscribe();
  });
});

describe('a throwing client listener next to rx streams', () => {
  it('is reported on listenerError and kills no subscription', async () => {
    const { engine, client } = await connected();
    const errors: RocketRideError[] = [];
    client.on('listenerError', (e) => errors.push(e));
    client.on('event', () => {
      throw new Error('app bug');
    });
    const got: RocketRideEvent[] = [];
    const sub = events$(client, { token: TOKEN, types: ['OUTPUT'] }).subscribe((e) => got.push(e));
    await until(() => engine.commands.includes('rrext_monitor'), 'the subscription');
    await client.ping();
    engine.push(eventFrame('output', `{"__id":"${TASK_ID}","output":"a"}`), eventFrame('output', `{"__id":"${TASK_ID}","output":"b"}`));
    await until(() => got.length === 2, 'both events');
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['ERR_LISTENER', 'a "event" listener threw: app bug'],
      ['ERR_LISTENER', 'a "event" listener threw: app bug'],
    ]);
    expect(sub.closed).toBe(false);
    sub.unsubscribe();
    expect(seen.listenerWarnings).toEqual([]);
  });
});

describe('matchers tolerate any body shape (seeded property)', () => {
  const names = fc.constantFrom(...CLASSES, 'apaext_account', '__proto__', '');
  const body = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        __id: fc.oneof(fc.constantFrom(TASK_ID, '', 'ABCDEFGH.t'), fc.jsonValue({ maxDepth: 1 })),
        pipe_id: fc.jsonValue({ maxDepth: 1 }),
        id: fc.jsonValue({ maxDepth: 1 }),
        action: fc.oneof(fc.constantFrom('running', 'begin', 'end'), fc.jsonValue({ maxDepth: 1 })),
        tasks: fc.oneof(fc.array(fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.record({ id: fc.jsonValue({ maxDepth: 1 }) }))), fc.jsonValue({ maxDepth: 1 })),
        project_id: fc.jsonValue({ maxDepth: 1 }),
        source: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
  );
  it('a matcher of any filter returns a boolean for any event', () => {
    const filters: EventsFilter[] = [
      { token: TOKEN, types: ['ALL'] },
      { token: TOKEN, taskId: TASK_ID, pipeId: 0, types: ['ALL'] },
      { token: '*', types: ['ALL'] },
      { projectId: 'p', source: 's', types: ['ALL'] },
      { projectId: 'p', source: '*', pipeId: 2 },
    ];
    const matchers = filters.map((f) => normalizeFilter(f).matcher());
    fc.assert(
      fc.property(names, body, (event, b) => {
        const e = (b === undefined ? { type: 'event', seq: 1, event } : { type: 'event', seq: 1, event, body: b }) as RocketRideEvent;
        for (const m of matchers) expect(typeof m(e)).toBe('boolean');
      }),
      { seed: 2, numRuns: 2000 },
    );
  });
});
