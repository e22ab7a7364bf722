import { createServer, type Server } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryParam } from './request-info.js';
import { sseHandler } from './sse-handler.js';
import { closeServer, type EngineFixture, listen, startEngineFixture, until } from './test-support/fixture.js';
import { SseReader } from './test-support/sse-reader.js';

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('sseHandler on %s', (_label, express) => {
  let fx: EngineFixture;
  let server: Server | undefined;
  let base: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    fx = await startEngineFixture();
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(async () => {
    for (const r of readers.splice(0)) await r.cancel();
    await closeServer(server);
    server = undefined;
  });

  async function mount(handler: ReturnType<typeof sseHandler>): Promise<void> {
    const app = express();
    app.get('/events', handler);
    server = createServer(app);
    base = await listen(server);
  }

  async function open(path: string, signal?: AbortSignal): Promise<{ res: Response; reader: SseReader }> {
    const res = await fetch(`${base}${path}`, signal ? { signal } : {});
    const reader = new SseReader(res.body as ReadableStream<Uint8Array>);
    readers.push(reader);
    return { res, reader };
  }

  it('forwards the task events as text/event-stream: event = name, data = JSON body', async () => {
    await mount(sseHandler(fx.rocketride, { token: fx.token, types: ['SUMMARY', 'DETAIL'] }));
    const { res, reader } = await open('/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The engine's catch-up status comes first, once the subscription is in place.
    expect(await reader.until((items) => items.some((m) => m.event === 'apaevt_status_update'))).toBe(true);
    await fx.rocketride.upload(fx.token, Buffer.from('some text'), { name: 'seen-by-browser.txt', mimeType: 'text/plain' });
    expect(await reader.until(() => reader.named('apaevt_status_object').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_object')[0]).toMatchObject({ object: 'seen-by-browser.txt', size: 9 });
    expect(await reader.until(() => reader.named('apaevt_status_counts').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_counts').at(-1)).toMatchObject({ completedCount: expect.any(Number) });
  });

  it('takes the filter from the request', async () => {
    await mount(sseHandler(fx.rocketride, (req) => ({ token: queryParam(req, 'token') ?? '', types: ['SUMMARY'] })));
    const { reader } = await open(`/events?token=${encodeURIComponent(fx.token)}`);
    expect(await reader.until(() => reader.named('apaevt_status_update').length > 0)).toBe(true);
    expect(reader.named('apaevt_status_update')[0]).toMatchObject({ state: expect.any(Number) });
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    await mount(sseHandler(fx.rocketride, { token: fx.token, types: ['SSE'] }, { heartbeatMs: 10 }));
    const { reader } = await open('/events');
    expect(await reader.until((items) => items.some((m) => m.comment === 'heartbeat'))).toBe(true);
    expect(reader.items.every((m) => m.event === undefined)).toBe(true);
  });

  it('unsubscribes when the browser disconnects: the engine subscription is removed', async () => {
    await mount(sseHandler(fx.rocketride, { token: fx.token, types: ['SUMMARY'] }, { eventsOptions: { graceMs: 0 } }));
    await until(() => fx.engine.monitorCount() === 0, 'earlier subscriptions to go');
    const browser = new AbortController();
    const { reader } = await open('/events', browser.signal);
    await reader.until(() => reader.named('apaevt_status_update').length > 0);
    expect(fx.engine.monitorCount()).toBe(1);
    browser.abort();
    await until(() => fx.engine.monitorCount() === 0, 'the engine subscription to be removed');
    expect(fx.rocketride.listenerCount('event')).toBe(0);
  });

  it('answers 400 as JSON, before any stream, for a malformed filter', async () => {
    await mount(sseHandler(fx.rocketride, () => ({ token: '' })));
    const before = fx.engine.requests().length;
    const res = await fetch(`${base}/events`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'ERR_INVALID_ARGUMENT', message: 'token must be a non-empty string' } });
    expect(fx.engine.requests().length).toBe(before);
  });

  it('answers 404 ERR_TASK_NOT_FOUND as JSON, before any stream, for a token with no running task', async () => {
    await mount(sseHandler(fx.rocketride, { token: 'no-such-task', types: ['SUMMARY'] }));
    const res = await fetch(`${base}/events`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'ERR_TASK_NOT_FOUND', message: 'No running task has this token: there are no events to stream' } });
    // Only the status check went to the engine: no subscription was attempted.
    const sent = fx.engine.requests().filter((r) => r.arguments.token === 'no-such-task');
    expect(sent.map((r) => r.command)).toEqual(['rrext_get_task_status']);
  });
});
