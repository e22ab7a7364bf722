import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HttpTestApp, startHttpApp } from './http-test-app.js';

let running: HttpTestApp | undefined;

afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('streamBody() in a Nest route', () => {
  it('streams a raw body into one object: named by X-File-Name, typed by Content-Type, answered with the engine’s result', async () => {
    running = await startHttpApp();
    const file = randomBytes(40_000);
    const res = await fetch(`${running.url}/upload`, {
      method: 'POST',
      body: file,
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('a file.bin') },
    });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'a file.bin', objectId: expect.any(String) });
    const [pipe] = running.engine.pipes({ token: running.token });
    expect(pipe).toMatchObject({ state: 'closed', mimeType: 'application/octet-stream', object: { name: 'a file.bin', size: file.length } });
    expect(sha256(pipe!.received)).toBe(sha256(file));
  });

  it('puts each file of a multipart form into its own object and answers one entry per file', async () => {
    running = await startHttpApp();
    const form = new FormData();
    form.append('a', new File(['first\n'], 'a.txt', { type: 'text/plain' }));
    form.append('note', 'a text field, not sent');
    form.append('b', new File([new Uint8Array([1, 2, 3])], 'b.bin', { type: 'application/octet-stream' }));
    const res = await fetch(`${running.url}/upload`, { method: 'POST', body: form });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { field: 'a', name: 'a.txt', mimeType: 'text/plain', size: 6, result: expect.objectContaining({ name: 'a.txt' }) },
      { field: 'b', name: 'b.bin', mimeType: 'application/octet-stream', size: 3, result: expect.objectContaining({ name: 'b.bin' }) },
    ]);
    expect(running.engine.pipes({ token: running.token }).map((p) => [p.object.name, p.state])).toEqual([
      ['a.txt', 'closed'],
      ['b.bin', 'closed'],
    ]);
  });

  it('answers a body shorter than its Content-Length at once, 400 ERR_CONTENT_LENGTH_MISMATCH with Connection: close, and commits nothing', async () => {
    running = await startHttpApp();
    const { engine, token, url } = running;
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    await once(socket, 'connect');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = once(socket, 'close');
    socket.write(`POST /upload?name=short.bin HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/octet-stream\r\ncontent-length: 30000\r\n\r\n`);
    socket.write(randomBytes(10_000));
    await vi.waitFor(() => expect(engine.pipes({ token })[0]?.bytes).toBe(10_000));
    socket.end(); // half-close: the client sends nothing more

    await closed;
    const raw = Buffer.concat(received).toString('utf8');
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head!.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(body!)).toEqual({
      statusCode: 400,
      error: { code: 'ERR_CONTENT_LENGTH_MISMATCH', message: 'The request body has 10000 bytes but its Content-Length announced 30000; nothing was committed' },
    });
    expect(engine.pipes({ token })[0]!.state).not.toBe('closed');
    expect(engine.requests().filter((r) => r.arguments.subcommand === 'close')).toEqual([]);
  });
});
