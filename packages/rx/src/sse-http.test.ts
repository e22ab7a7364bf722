import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RocketRideClient } from '@rocketride-streams/core';
import { afterEach, describe, expect, it } from 'vitest';
import { events$ } from './events.js';
import { ECHO_PIPELINE, footprint, monitorRequests, until, useEngines } from './test-support.js';

const h = useEngines();
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/**
 * What a NestJS `@Sse()` handler does with the Observable it returns: subscribe, write each value as
 * a `text/event-stream` message, and unsubscribe when the HTTP client goes away.
 */
async function sseServer(client: RocketRideClient): Promise<string> {
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? '';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const subscription = events$(client, { token, types: ['SUMMARY', 'DETAIL'] }, { graceMs: 30 }).subscribe({
      next: (e) => res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.body)}\n\n`),
      error: (err: { code?: string }) => res.end(`event: rocketride_error\ndata: ${JSON.stringify({ code: err.code })}\n\n`),
      complete: () => res.end(),
    });
    res.on('close', () => subscription.unsubscribe());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads server-sent messages until `enough` says stop. */
async function readEvents(body: ReadableStream<Uint8Array>, enough: (events: Array<{ event: string; data: unknown }>) => boolean) {
  const events: Array<{ event: string; data: unknown }> = [];
  const decoder = new TextDecoder();
  let text = '';
  const reader = body.getReader();
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      events.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
      end = text.indexOf('\n\n');
    }
  }
  reader.releaseLock();
  return events;
}

describe('forwarding events as Server-Sent Events (NestJS @Sse() style)', () => {
  it('streams the task events to a fetch client and unsubscribes when it disconnects', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const before = footprint(client);
    const base = await sseServer(client);

    const abort = new AbortController();
    const response = await fetch(`${base}/events?token=${encodeURIComponent(task.token)}`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = response.body as ReadableStream<Uint8Array>;
    const catchUp = await readEvents(body, (e) => e.length >= 1);
    expect(catchUp[0]).toMatchObject({ event: 'apaevt_status_update', data: { __id: task.id, state: 3 } });
    expect(engine.monitorCount()).toBe(1);

    const sending = client.send(task.token, 'hello', { name: 'hello.txt' }, 'text/plain');
    const live = await readEvents(body, (e) => e.some((x) => x.event === 'apaevt_status_object'));
    await sending;
    expect(live.find((x) => x.event === 'apaevt_status_object')?.data).toMatchObject({ object: 'hello.txt' });

    abort.abort(); // the browser tab goes away
    await until(() => engine.monitorCount() === 0, 'the server subscription to be removed');
    expect(monitorRequests(engine).map((r) => r.args.types)).toEqual([['DETAIL', 'SUMMARY'], []]);
    expect(footprint(client)).toEqual(before);
  });

  it('ends the HTTP response when the client is disconnected on request', async () => {
    const { client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const base = await sseServer(client);
    const response = await fetch(`${base}/events?token=${encodeURIComponent(task.token)}`);
    const body = response.body as ReadableStream<Uint8Array>;
    await readEvents(body, (e) => e.length >= 1);
    await client.disconnect();
    const rest = await readEvents(body, () => false); // returns when the response ends
    expect(rest).toEqual([]);
  });
});
