import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningApp, sha256, startApp } from './support.mjs';

let running: RunningApp | undefined;

afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

/** A request body that yields `chunks` one by one, after `before(i)` resolves for each. */
function body(chunks: Uint8Array[], before: (i: number) => Promise<void> = async () => {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i === chunks.length) return controller.close();
      await before(i);
      controller.enqueue(chunks[i++]!);
    },
  });
}

function post(url: string, payload: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/upload`, { method: 'POST', body: payload, headers, duplex: 'half' } as RequestInit);
}

describe('POST /upload', () => {
  it('streams a file into the pipeline: the engine receives exactly its bytes and the result is answered as JSON', async () => {
    running = await startApp();
    const file = randomBytes(5 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: Math.ceil(file.length / 65536) }, (_, i) => file.subarray(i * 65536, (i + 1) * 65536));

    const res = await post(running.url, body(chunks), { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('big file.bin') });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const result = await res.json();
    expect(result).toMatchObject({ name: 'big file.bin', objectId: expect.any(String) });
    const [pipe] = running.engine.pipes({ token: running.token });
    expect(pipe).toMatchObject({ state: 'closed', mimeType: 'application/octet-stream', bytes: file.length });
    expect(sha256(pipe!.received)).toBe(sha256(file));
  });

  it('streams as the body arrives: the engine has the first chunk before the client sends the second', async () => {
    running = await startApp();
    const { engine, token } = running;
    const chunks = [randomBytes(100_000), randomBytes(100_000)];
    const received = () => engine.pipes({ token }).at(0)?.bytes ?? 0;

    const res = await post(
      running.url,
      body(chunks, async (i) => {
        if (i === 1) await vi.waitFor(() => expect(received()).toBe(100_000), { timeout: 5000 });
      }),
    );

    expect(res.status).toBe(200);
    expect(received()).toBe(200_000);
  });

  it('a text upload goes to the text lane (Content-Type, parameters ignored), named by ?name=, sized by Content-Length', async () => {
    running = await startApp();
    const res = await fetch(`${running.url}/upload?name=notes.txt`, { method: 'POST', body: 'first line\nsecond line\n', headers: { 'content-type': 'text/plain; charset=utf-8' } });

    expect(res.status).toBe(200);
    const result = (await res.json()) as { name: string; text: string[] };
    expect(result.name).toBe('notes.txt');
    expect(result.text.join('')).toContain('first line\nsecond line\n');
    const [pipe] = running.engine.pipes({ token: running.token });
    expect(pipe).toMatchObject({ lane: 'text', object: { name: 'notes.txt', size: 23 } });
  });

  it('a JSON body is streamed as is, not parsed by Nest (the app has no body parser)', async () => {
    running = await startApp();
    const json = JSON.stringify({ hello: 'world', list: [1, 2, 3] });
    const res = await post(running.url, json, { 'content-type': 'application/json', 'x-file-name': 'data.json' });

    expect(res.status).toBe(200);
    expect(Buffer.from(running.engine.pipes({ token: running.token })[0]!.received).toString()).toBe(json);
  });

  it('a client that disconnects mid-upload commits nothing, and the app keeps serving', async () => {
    running = await startApp();
    const { app, engine, token, url } = running;
    const browser = new AbortController();
    const first = randomBytes(50_000);

    const upload = fetch(`${url}/upload`, {
      method: 'POST',
      duplex: 'half',
      signal: browser.signal,
      body: body([first, randomBytes(50_000)], async (i) => {
        if (i === 1) {
          await vi.waitFor(() => expect(engine.pipes({ token })[0]?.bytes).toBe(first.length), { timeout: 5000 });
          browser.abort();
        }
      }),
    } as RequestInit);
    await expect(upload).rejects.toThrow();

    // Once the server has seen the connection go, the next upload is served normally...
    const server = app.getHttpServer() as Server;
    await vi.waitFor(async () => expect(await new Promise((resolve) => server.getConnections((_, n) => resolve(n)))).toBe(0));
    expect((await post(url, 'after', { 'content-type': 'text/plain' })).status).toBe(200);
    // ...and the interrupted object was never closed, so never committed (the engine reaps the pipe later).
    const [interrupted, next] = engine.pipes({ token });
    expect(interrupted).toMatchObject({ bytes: first.length });
    expect(interrupted?.state).not.toBe('closed');
    expect(next?.state).toBe('closed');
  });

  it('bad input is 400 with the error code; the object is not committed', async () => {
    running = await startApp();
    const res = await post(running.url, Buffer.from([0x61, 0xff, 0xfe, 0x62]), { 'content-type': 'text/plain' });

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, error: { code: 'ERR_INVALID_UTF8' } });
    expect(running.engine.pipes({ token: running.token })[0]?.state).not.toBe('closed');
  });

  it('an engine failure is 502', async () => {
    running = await startApp();
    running.engine.faults.failPipeline(true, 'the model is down');
    const res = await post(running.url, randomBytes(1000));

    expect(res.status).toBe(502);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.message).toContain('the model is down');
  });

  it('an engine that is not connected is 503, answered although the body was never read', async () => {
    running = await startApp();
    const { engine, rocketride } = running;
    engine.faults.closeAfterFrames(1);
    await rocketride.ping().catch(() => {});
    await vi.waitFor(() => expect(rocketride.isConnected()).toBe(false));

    const res = await post(running.url, randomBytes(4 * 1024 * 1024), { 'content-type': 'application/octet-stream' });

    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_NOT_CONNECTED' } });
    expect(engine.pipes()).toEqual([]);
  });
});
