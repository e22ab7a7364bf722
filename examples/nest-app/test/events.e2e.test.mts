import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningApp, startApp } from './support.mjs';

let running: RunningApp | undefined;

afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

interface Message {
  event: string;
  body: Record<string, unknown>;
}

/** Reads Server-Sent Events from a fetch response, yielding each `data:` payload parsed as JSON. */
async function* messages(res: Response): AsyncGenerator<Message> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) yield JSON.parse(data) as Message;
      end = buffer.indexOf('\n\n');
    }
  }
}

/** The next message passing `test`; the stream stays open (a `for await` would close it on return). */
async function firstMatching(stream: AsyncGenerator<Message>, test: (m: Message) => boolean): Promise<Message> {
  for (;;) {
    const { done, value } = await stream.next();
    if (done) throw new Error('the event stream ended first');
    if (test(value)) return value;
  }
}

describe('GET /events', () => {
  it('streams the pipeline’s events; a client that goes away removes the engine subscription', async () => {
    running = await startApp();
    const { engine, url } = running;
    expect(engine.monitorCount()).toBe(0);
    const browser = new AbortController();

    const res = await fetch(`${url}/events`, { signal: browser.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = messages(res);
    // The engine answers a new subscription with the task's current state.
    const first = await firstMatching(stream, () => true);
    expect(first.event).toMatch(/^apaevt_/);
    expect(engine.monitorCount()).toBe(1);

    // An upload shows up on the stream while it is open.
    const upload = await fetch(`${url}/upload`, { method: 'POST', body: 'watched', headers: { 'content-type': 'text/plain', 'x-file-name': 'watched.txt' } });
    expect(upload.status).toBe(200);
    const seen = await firstMatching(stream, (m) => JSON.stringify(m.body).includes('watched.txt'));
    expect(seen.event).toMatch(/^apaevt_status_/);

    browser.abort();
    await stream.return(undefined).catch(() => {});
    // Nest unsubscribes on the closed request; events$ removes the monitor after its grace period.
    await vi.waitFor(() => expect(engine.monitorCount()).toBe(0), { timeout: 5000 });
  });

  it('two browsers share one engine subscription, removed when the last one leaves', async () => {
    running = await startApp();
    const { engine, url } = running;
    const upload = (name: string) =>
      fetch(`${url}/upload`, { method: 'POST', body: name, headers: { 'content-type': 'text/plain', 'x-file-name': name } }).then((res) => {
        expect(res.status).toBe(200);
      });
    const mentions = (name: string) => (m: Message) => JSON.stringify(m.body).includes(name);
    const a = new AbortController();
    const b = new AbortController();
    const streamA = messages(await fetch(`${url}/events`, { signal: a.signal }));
    await firstMatching(streamA, () => true);
    // The second subscriber joins the shared stream (no catch-up of its own): it sees what happens next.
    const streamB = messages(await fetch(`${url}/events`, { signal: b.signal }));
    await upload('first.txt');
    await firstMatching(streamA, mentions('first.txt'));
    await firstMatching(streamB, mentions('first.txt'));
    expect(engine.monitorCount()).toBe(1);

    a.abort();
    await streamA.return(undefined).catch(() => {});
    await upload('second.txt');
    await firstMatching(streamB, mentions('second.txt'));
    expect(engine.monitorCount()).toBe(1);

    b.abort();
    await streamB.return(undefined).catch(() => {});
    await vi.waitFor(() => expect(engine.monitorCount()).toBe(0), { timeout: 5000 });
  });

  it('app.close() ends open event streams, disconnects the client and stops the embedded engine', async () => {
    running = await startApp();
    const { app, engine, rocketride, url } = running;
    const stream = messages(await fetch(`${url}/events`));
    await firstMatching(stream, () => true);

    await app.close();
    running = undefined;

    // The stream ends (or is cut) instead of hanging; the engine is gone.
    await expect(
      (async () => {
        for await (const _ of stream);
      })().catch(() => 'cut'),
    ).resolves.not.toThrow();
    expect(rocketride.isConnected()).toBe(false);
    expect(rocketride.engine).toBeUndefined();
    await expect(fetch(`${engine.httpUrl}/version`)).rejects.toThrow();
  });
});
