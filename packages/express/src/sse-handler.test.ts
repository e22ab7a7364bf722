import { describe, expect, it } from 'vitest';
import { queryParam } from './request-info.js';
import { sseHandler } from './sse-handler.js';
import { EXPRESS_MAJORS, useApp } from './test-support/app.js';
import { until } from './test-support/fixture.js';
import { openEvents } from './test-support/sse-reader.js';

describe.each(EXPRESS_MAJORS)('sseHandler on %s', (_label, express) => {
  const t = useApp(express);
  const mount = (handler: ReturnType<typeof sseHandler>) => t.mount('get', '/events', handler);
  const open = (path: string, signal?: AbortSignal) => openEvents(t, path, signal ? { signal } : {});

  it('forwards the task events as text/event-stream: event = name, data = JSON body', async () => {
    await mount(sseHandler(t.fx.rocketride, { token: t.fx.token, types: ['SUMMARY', 'DETAIL'] }));
    const { res, reader } = await open('/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The engine's catch-up status comes first, once the subscription is in place.
    expect(await reader.until((items) => items.some((m) => m.event === 'apaevt_status_update'))).toBe(true);
    await t.fx.rocketride.upload(t.fx.token, Buffer.from('some text'), { name: 'seen-by-browser.txt', mimeType: 'text/plain' });
    expect(await reader.until(() => reader.named('apaevt_status_object').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_object')[0]).toMatchObject({ object: 'seen-by-browser.txt', size: 9 });
    expect(await reader.until(() => reader.named('apaevt_status_counts').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_counts').at(-1)).toMatchObject({ completedCount: expect.any(Number) });
  });

  it('takes the filter from the request', async () => {
    await mount(sseHandler(t.fx.rocketride, (req) => ({ token: queryParam(req, 'token') ?? '', types: ['SUMMARY'] })));
    const { reader } = await open(`/events?token=${encodeURIComponent(t.fx.token)}`);
    expect(await reader.until(() => reader.named('apaevt_status_update').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_update')[0]).toMatchObject({ state: expect.any(Number) });
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    await mount(sseHandler(t.fx.rocketride, { token: t.fx.token, types: ['SSE'] }, { heartbeatMs: 10 }));
    const { reader } = await open('/events');
    expect(await reader.until((items) => items.some((m) => m.comment === 'heartbeat'))).toBe(true);
    expect(reader.items.every((m) => m.event === undefined)).toBe(true);
  });

  it('unsubscribes when the browser disconnects: the engine subscription is removed', async () => {
    await mount(sseHandler(t.fx.rocketride, { token: t.fx.token, types: ['SUMMARY'] }, { eventsOptions: { graceMs: 0 } }));
    await until(() => t.fx.engine.monitorCount() === 0, 'earlier subscriptions to go');
    const browser = new AbortController();
    const { reader } = await open('/events', browser.signal);
    await reader.until(() => reader.named('apaevt_status_update').length > 0);
    expect(t.fx.engine.monitorCount()).toBe(1);
    browser.abort();
    await until(() => t.fx.engine.monitorCount() === 0, 'the engine subscription to be removed');
    expect(t.fx.rocketride.listenerCount('event')).toBe(0);
  });

  it('answers 400 as JSON, before any stream, for a malformed filter', async () => {
    await mount(sseHandler(t.fx.rocketride, () => ({ token: '' })));
    const before = t.fx.engine.requests().length;
    const res = await fetch(`${t.base}/events`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'ERR_INVALID_ARGUMENT', message: 'token must be a non-empty string' } });
    expect(t.fx.engine.requests().length).toBe(before);
  });

  it('answers 404 ERR_TASK_NOT_FOUND as JSON, before any stream, for a token with no running task', async () => {
    await mount(sseHandler(t.fx.rocketride, { token: 'no-such-task', types: ['SUMMARY'] }));
    const res = await fetch(`${t.base}/events`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'ERR_TASK_NOT_FOUND', message: 'No running task has this token: there are no events to stream' } });
    // Only the status check went to the engine: no subscription was attempted.
    const sent = t.fx.engine.requests().filter((r) => r.arguments.token === 'no-such-task');
    expect(sent.map((r) => r.command)).toEqual(['rrext_get_task_status']);
  });
});
