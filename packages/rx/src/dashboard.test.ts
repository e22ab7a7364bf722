import { type DashboardSnapshot, ExecutionError, ValidationError } from '@rocketride-streams/core';
import type { Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { dashboard$ } from './dashboard.js';
import { ECHO_PIPELINE, sleep, until, useEngines } from './test-support.js';

const h = useEngines();
const polls = (engine: Engine) => engine.requests().filter((r) => r.command === 'rrext_dashboard').length;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('dashboard$', () => {
  it('polls only while subscribed: the engine sees no rrext_dashboard after the last subscriber leaves', async () => {
    const { engine, client } = await h.connected();
    const timersBefore = timers();
    const stream = dashboard$(client, { interval: 10 });
    const a: DashboardSnapshot[] = [];
    const b: DashboardSnapshot[] = [];
    const subA = stream.subscribe((s) => a.push(s));
    const subB = stream.subscribe((s) => b.push(s));
    await until(() => polls(engine) >= 3 && b.length >= 3, 'three polls');
    // One shared poll loop: both subscribers got the very same snapshot objects.
    expect(b[0]).toBe(a[0]);
    expect(a[0]?.overview.totalConnections).toBe(1);
    subA.unsubscribe();
    await until(() => polls(engine) >= 5, 'polling to go on for the remaining subscriber');
    subB.unsubscribe();
    // Let a poll already in flight land, then count: no tick may follow.
    await client.ping();
    const atUnsubscribe = polls(engine);
    await sleep(100);
    expect(polls(engine)).toBe(atUnsubscribe);
    // No poll timer is left: the count returns to what it was (bounded wait for unrelated socket timers to settle).
    for (let i = 0; i < 100 && timers() > timersBefore; i++) await sleep(10);
    expect(timers()).toBeLessThanOrEqual(timersBefore);

    // A new subscriber starts afresh with a new poll.
    const again = await new Promise<DashboardSnapshot>((resolve) => {
      const sub = stream.subscribe((s) => {
        resolve(s);
        queueMicrotask(() => sub.unsubscribe());
      });
    });
    expect(again).not.toBe(a[a.length - 1]);
    expect(polls(engine)).toBeGreaterThan(atUnsubscribe);
  });

  it('shows a task started while polling', async () => {
    const { client } = await h.connected();
    const seen: DashboardSnapshot[] = [];
    const sub = dashboard$(client, { interval: 10 }).subscribe((s) => seen.push(s));
    await until(() => seen.length >= 1, 'a first snapshot');
    const task = await client.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'DASH$' });
    await until(() => seen.some((s) => s.tasks.some((t) => t.id === task.id)), 'the task in a snapshot');
    sub.unsubscribe();
  });

  it('a refused poll errors the stream with the coded error (pk_ lacks task.monitor)', async () => {
    const { engine, client: owner } = await h.connected();
    const task = await owner.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'DASHPK' });
    const pk = h.client(engine, { auth: engine.tasks().find((t) => t.token === task.token)!.publicToken });
    await pk.connect();
    const error = await new Promise<unknown>((resolve) => dashboard$(pk, { interval: 10 }).subscribe({ error: resolve }));
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({ code: 'ERR_DASHBOARD', message: "Permission 'task.monitor' denied" });
  });

  for (const [options, message] of [
    [{ interval: 0 }, 'dashboard$: interval must be a number of milliseconds above 0 and at most 2147483647'],
    [{ interval: Number.NaN }, 'dashboard$: interval must be a number of milliseconds above 0 and at most 2147483647'],
    [{ interval: '5' }, 'dashboard$: interval must be a number of milliseconds above 0 and at most 2147483647'],
    [null, 'dashboard$: options must be an object'],
  ] as const) {
    it(`refuses ${JSON.stringify(options)} before anything is sent`, async () => {
      const { engine, client } = await h.connected();
      let error: unknown;
      try {
        dashboard$(client, options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', message });
      expect(polls(engine)).toBe(0);
    });
  }
});
