import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERR_SSE_SLOW_CLIENT, sseHandler, type SseHandlerOptions } from './sse-handler.js';
import { closeServer, type EngineFixture, listen, startEngineFixture, until } from './test-support/fixture.js';
import { SseReader } from './test-support/sse-reader.js';

describe('sseHandler and a browser that reads slowly', () => {
  let fx: EngineFixture;
  let server: Server | undefined;
  let socket: Socket | undefined;
  let reader: SseReader | undefined;

  beforeAll(async () => {
    fx = await startEngineFixture();
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(async () => {
    socket?.destroy();
    await reader?.cancel();
    await closeServer(server);
    server = undefined;
    socket = undefined;
    reader = undefined;
  });

  /** Serves the task's DETAIL events on plain node:http; `mostBuffered()` is the largest `writableLength` seen after any write. */
  async function serve(options: SseHandlerOptions): Promise<{ base: string; mostBuffered: () => number }> {
    const handler = sseHandler(fx.rocketride, { token: fx.token, types: ['DETAIL'] }, { heartbeatMs: 0, eventsOptions: { graceMs: 0 }, ...options });
    let most = 0;
    const watch = (res: ServerResponse): void => {
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        const ok = write(...args);
        most = Math.max(most, res.writableLength);
        return ok;
      }) as typeof res.write;
    };
    server = createServer((req, res) => {
      watch(res);
      handler(req, res);
    });
    const base = await listen(server);
    return { base, mostBuffered: () => most };
  }

  const upload = (name: string) => fx.rocketride.upload(fx.token, Buffer.from('x'), { name, mimeType: 'text/plain' });

  it('ends the stream with ERR_SSE_SLOW_CLIENT once maxBufferedBytes wait, and removes the engine subscription', async () => {
    const cap = 64 * 1024;
    const { base, mostBuffered } = await serve({ maxBufferedBytes: cap });
    await until(() => fx.engine.monitorCount() === 0, 'earlier subscriptions to go');

    // A browser that sends the request and then never reads: the kernel buffers fill, then Node's.
    socket = tcpConnect(Number(new URL(base).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => fx.engine.monitorCount() === 1, 'the engine subscription');

    // Each upload sends an apaevt_status_object event carrying the object's name: 128 KiB of it.
    const nameBytes = 128 * 1024;
    const name = 'n'.repeat(nameBytes);
    // Far more than loopback socket buffers hold; stops as soon as the handler gives up on the client.
    for (let i = 0; i < 300 && fx.engine.monitorCount() > 0; i++) await upload(name);

    expect(fx.engine.monitorCount()).toBe(0);
    expect(fx.rocketride.listenerCount('event')).toBe(0);
    // Bounded: the cap, plus the one message that crossed it, plus the final error message.
    expect(mostBuffered()).toBeGreaterThan(cap);
    expect(mostBuffered()).toBeLessThan(cap + nameBytes + 4096);

    // When the browser reads again, the stream ends with the coded error (EventSource would reconnect).
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.resume();
    await until(() => text.endsWith('\r\n0\r\n\r\n'), 'the end of the chunked response');
    const tail = text.slice(text.lastIndexOf('event: rocketride_error'));
    expect(tail).toMatch(/^event: rocketride_error\ndata: (.*)\n\n\r\n0\r\n\r\n$/);
    const data = JSON.parse(/^data: (.*)$/m.exec(tail)![1]!);
    expect(data).toEqual({ error: { code: ERR_SSE_SLOW_CLIENT, message: expect.any(String) } });
  });

  it('keeps streaming to a browser that reads, however many bytes pass in total', async () => {
    const cap = 16 * 1024;
    const { base } = await serve({ maxBufferedBytes: cap });
    const res = await fetch(`${base}/events`);
    reader = new SseReader(res.body as ReadableStream<Uint8Array>);
    await until(() => fx.engine.monitorCount() === 1, 'the engine subscription');
    const count = 40;
    for (let i = 0; i < count; i++) await upload(`${i}-${'n'.repeat(2048)}`);
    // 40 × 2 KiB: five times the cap goes through a reader that keeps up.
    expect(await reader.until(() => reader!.named('apaevt_status_object').length === count)).toBe(true);
    expect(reader.named('rocketride_error')).toEqual([]);
    expect(fx.engine.monitorCount()).toBe(1);
  });

  it('refuses a maxBufferedBytes that is not a positive number', () => {
    for (const maxBufferedBytes of [0, -1, Number.NaN]) {
      expect(() => sseHandler(fx.rocketride, fx.token, { maxBufferedBytes })).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});
