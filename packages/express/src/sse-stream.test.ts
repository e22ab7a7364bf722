import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RocketRide } from 'rocketride-streams';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSE_END_EVENT, SSE_ERROR_EVENT, SSE_GAP_EVENT, type SseClient, sseHandler, type SseHandlerOptions } from './sse-handler.js';
import { EXPRESS_MAJORS, useApp } from './test-support/app.js';
import { type EngineFixture, startEngineFixture } from './test-support/fixture.js';
import { openEvents, type SseReader } from './test-support/sse-reader.js';

const OWN_ID = /^([0-9a-f]{12})\.(\d+)$/;

describe.each(EXPRESS_MAJORS)('sseHandler stream fields on %s', (_label, express) => {
  const t = useApp(express);

  const mount = (client: SseClient, token: string, options: SseHandlerOptions = {}) =>
    t.mount('get', '/events', sseHandler(client, { token, types: ['SUMMARY', 'DETAIL'] }, { heartbeatMs: 0, eventsOptions: { graceMs: 0 }, ...options }));

  async function open(headers: Record<string, string> = {}): Promise<SseReader> {
    const { res, reader } = await openEvents(t, '/events', { headers });
    expect(res.status).toBe(200);
    return reader;
  }

  /** A client of its own on an engine of its own, with the echo pipeline running (closed after the test). */
  async function ownEngine(clientOptions: { requestTimeout?: number } = {}): Promise<{ engine: Engine; client: RocketRide; token: string }> {
    const engine = await startEngine();
    const client = new RocketRide({ uri: engine.uri, auth: 'k', env: {}, ...clientOptions });
    t.defer(async () => {
      await client.disconnect().catch(() => {});
      await engine.close();
    });
    await client.connect();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE });
    return { engine, client, token };
  }

  it('starts with the retry: field, and gives every message an id: <stream>.<n> counting from 1', async () => {
    await mount(t.fx.rocketride, t.fx.token, { retryMs: 1234 });
    const reader = await open();
    await pipeline(Readable.from([Buffer.from('ids')]), t.fx.rocketride.pipe(t.fx.token, { name: 'ids.txt', mimeType: 'text/plain' }));
    expect(await reader.until(() => reader.named('apaevt_status_object').some((b) => (b as { object?: string }).object === 'ids.txt'))).toBe(true);

    expect(reader.items[0]).toEqual({ retry: '1234' });
    const ids = reader.messages().map((m) => m.id ?? '');
    expect(ids.length).toBeGreaterThan(1);
    const stream = OWN_ID.exec(ids[0]!)?.[1];
    expect(stream).toBeDefined();
    expect(ids).toEqual(ids.map((_, i) => `${stream}.${i + 1}`));
    // No gap message on a first connection.
    expect(reader.named(SSE_GAP_EVENT)).toEqual([]);

    // Another stream has another stream id, and counts from 1 again.
    const second = await open();
    await second.until((items) => items.some((m) => m.data !== undefined));
    const [, other, n] = OWN_ID.exec(second.messages()[0]!.id!)!;
    expect(other).not.toBe(stream);
    expect(n).toBe('1');
  });

  it('a reconnect (Last-Event-ID) starts with rocketride_gap: what was not replayed, and the task status to resynchronise from', async () => {
    await mount(t.fx.rocketride, t.fx.token);
    const first = await open();
    await first.until((items) => items.some((m) => m.data !== undefined));
    const lastEventId = first.messages().at(-1)!.id!;

    const again = await open({ 'last-event-id': lastEventId });
    await again.until(() => again.messages().length > 0);
    const [gap] = again.messages();
    expect(gap!.event).toBe(SSE_GAP_EVENT);
    expect(gap!.id).toMatch(/^[0-9a-f]{12}\.1$/);
    expect(gap!.id!.split('.')[0]).not.toBe(lastEventId.split('.')[0]);
    const data = JSON.parse(gap!.data!);
    expect(data).toEqual({ lastEventId, status: expect.objectContaining({ state: 3, completed: false }) });
    expect(data.status.name).toBe((await t.fx.rocketride.getTaskStatus(t.fx.token)).name);
  });

  it('a Last-Event-ID this handler never gave is still a reconnect, reported as lastEventId null', async () => {
    await mount(t.fx.rocketride, t.fx.token);
    const reader = await open({ 'last-event-id': 'not-one-of-ours' });
    await reader.until(() => reader.messages().length > 0);
    expect(reader.messages()[0]!.event).toBe(SSE_GAP_EVENT);
    expect(JSON.parse(reader.messages()[0]!.data!)).toMatchObject({ lastEventId: null });
  });

  it('ends with rocketride_end { reason: "complete" } when the client is disconnected on request, so the page stops reconnecting', async () => {
    const { client, token } = await ownEngine();
    await mount(client, token);
    const reader = await open();
    await reader.until((items) => items.some((m) => m.data !== undefined));
    await client.disconnect();
    await reader.toEnd();
    expect(reader.ended).toBe(true);
    const last = reader.messages().at(-1)!;
    expect(last.event).toBe(SSE_END_EVENT);
    expect(JSON.parse(last.data!)).toEqual({ reason: 'complete' });
    expect(reader.named(SSE_ERROR_EVENT)).toEqual([]);
  });

  it('a stream that fails sends rocketride_error, then rocketride_end with the same error, and ends', async () => {
    const { engine, client, token } = await ownEngine();
    await mount(client, token);
    const reader = await open();
    await reader.until((items) => items.some((m) => m.data !== undefined));
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {}); // the engine cuts the connection on this frame
    await reader.toEnd();
    const [error, end] = reader.messages().slice(-2);
    expect(error!.event).toBe(SSE_ERROR_EVENT);
    const body = JSON.parse(error!.data!);
    expect(body).toEqual({ error: { code: 'ERR_CONNECTION_LOST', message: expect.any(String) } });
    expect(end!.event).toBe(SSE_END_EVENT);
    expect(JSON.parse(end!.data!)).toEqual({ reason: 'error', ...body });
    const [, stream, n] = OWN_ID.exec(error!.id!)!;
    expect(end!.id).toBe(`${stream}.${Number(n) + 1}`);
  });

  it('answers 503 ERR_NOT_CONNECTED as JSON when the engine is not connected, and sends nothing to it', async () => {
    const { engine, client, token } = await ownEngine();
    await client.disconnect();
    const before = engine.requests().length;
    await mount(client, token);
    const res = await fetch(`${t.base}/events`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'ERR_NOT_CONNECTED', message: 'The RocketRide engine is not connected' } });
    expect(engine.requests().length).toBe(before);
  });

  it('answers 504 ERR_TIMEOUT as JSON when the engine does not answer the check in time', async () => {
    const { engine, client, token } = await ownEngine({ requestTimeout: 300 });
    engine.faults.withholdResponse('rrext_get_task_status', { times: 1 });
    await mount(client, token);
    const res = await fetch(`${t.base}/events`);
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_TIMEOUT' } });
    expect(engine.monitorCount()).toBe(0);
  });
});

describe('sseHandler options', () => {
  let fx: EngineFixture;
  beforeAll(async () => {
    fx = await startEngineFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('refuses a fixed filter that events$ would refuse, when the handler is made, and sends nothing to the engine', () => {
    const before = fx.engine.requests().length;
    expect(() => sseHandler(fx.rocketride, { token: 42 } as never)).toThrow(
      expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message: 'token must be a non-empty string' }),
    );
    expect(() => sseHandler(fx.rocketride, { token: fx.token, types: ['NOT_A_TYPE'] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(fx.engine.requests().length).toBe(before);
    expect(fx.engine.monitorCount()).toBe(0);
  });

  it('refuses eventsOptions that is not an object', () => {
    for (const eventsOptions of [42, 'x', true, null]) {
      expect(() => sseHandler(fx.rocketride, fx.token, { eventsOptions } as never)).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message: 'sseHandler: eventsOptions must be an object' }),
      );
    }
  });

  it('refuses a retryMs that is not a non-negative number', () => {
    const client = {} as SseClient;
    for (const retryMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sseHandler(client, 'T', { retryMs })).toThrow(
        expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message: 'sseHandler: retryMs must be a non-negative number of milliseconds' }),
      );
    }
  });
});
