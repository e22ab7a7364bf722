import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningApp, rawPost, sha256, startApp } from './support.mjs';

let running: RunningApp | undefined;

afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

const BOUNDARY = '----nest-example-test-boundary';
const FORM_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A file part of a hand-built form (so that a test can cut the form anywhere). */
function filePart(field: string, filename: string, data: Uint8Array): Buffer {
  const head = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${field}"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), data]);
}

describe('POST /upload commits only what arrived whole', () => {
  it('a body Nest’s JSON parser already read is 500 ERR_BODY_CONSUMED, and nothing is opened on the engine', async () => {
    running = await startApp({ bodyParser: true });
    const res = await fetch(`${running.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 1 }) });

    expect(res.status).toBe(500);
    const answer = (await res.json()) as { statusCode: number; error: { code: string; message: string } };
    expect(answer.statusCode).toBe(500);
    expect(answer.error.code).toBe('ERR_BODY_CONSUMED');
    expect(answer.error.message).toMatch(/^The request body was already parsed \(req\.body is set\) by another middleware \(express\.json\(\)\?.*nothing was sent to the engine/);
    expect(running.engine.pipes()).toEqual([]);
  });

  it('a form with two files and a text field: each file in its own pipe, one result per file', async () => {
    running = await startApp();
    const { engine, token, url } = running;
    const a = randomBytes(200_000);
    const b = 'hello\n';
    const form = new FormData();
    form.append('a', new File([a], 'a.bin', { type: 'application/octet-stream' }));
    form.append('comment', 'not a file');
    form.append('b', new File([b], 'b.txt', { type: 'text/plain' }));

    const res = await fetch(`${url}/upload`, { method: 'POST', body: form });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { field: 'a', name: 'a.bin', mimeType: 'application/octet-stream', size: a.length, result: expect.objectContaining({ name: 'a.bin' }) },
      { field: 'b', name: 'b.txt', mimeType: 'text/plain', size: b.length, result: expect.objectContaining({ name: 'b.txt' }) },
    ]);
    const pipes = engine.pipes({ token });
    expect(pipes.map((p) => [p.object.name, p.state])).toEqual([
      ['a.bin', 'closed'],
      ['b.txt', 'closed'],
    ]);
    expect(sha256(pipes[0]!.received)).toBe(sha256(a));
    expect(pipes[1]!.received.toString()).toBe(b);
  });

  it('a form whose connection is cut mid-file: the finished file is committed, the cut one is not, and the app keeps serving', async () => {
    running = await startApp();
    const { engine, token, url } = running;
    const done = randomBytes(30_000);
    const cut = randomBytes(60_000);
    const sent = Buffer.concat([filePart('a', 'done.bin', done), Buffer.from('\r\n'), filePart('b', 'cut.bin', cut.subarray(0, 20_000))]);
    const raw = await rawPost(url, '/upload', { 'content-type': FORM_TYPE, 'content-length': sent.length + 100_000 });
    await raw.write(sent);
    await vi.waitFor(() => {
      const [first, second] = engine.pipes({ token });
      expect(first?.state).toBe('closed');
      expect(second?.bytes).toBeGreaterThan(10_000);
    });
    raw.reset();
    expect(await raw.response()).toEqual({ status: 0, body: '' });

    expect((await fetch(`${url}/upload?name=after.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'after' })).status).toBe(200);
    const [first, second, after] = engine.pipes({ token });
    expect(sha256(first!.received)).toBe(sha256(done));
    expect(second).toMatchObject({ object: { name: 'cut.bin' } });
    expect(second!.state).not.toBe('closed');
    expect(after).toMatchObject({ object: { name: 'after.txt' }, state: 'closed' });
  });

  it('a body shorter than its Content-Length (the client half-closes) is 400 ERR_CONTENT_LENGTH_MISMATCH, and not committed', async () => {
    running = await startApp();
    const { engine, token, url } = running;
    const raw = await rawPost(url, '/upload?name=short.bin', { 'content-type': 'application/octet-stream', 'content-length': 50_000 });
    await raw.write(randomBytes(20_000));
    await vi.waitFor(() => expect(engine.pipes({ token })[0]?.bytes).toBe(20_000));
    raw.end();

    const res = await raw.response();
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 400,
      error: { code: 'ERR_CONTENT_LENGTH_MISMATCH', message: 'The request body has 20000 bytes but its Content-Length announced 50000; nothing was committed' },
    });
    expect(engine.pipes({ token })[0]!.state).not.toBe('closed');
    expect(engine.requests().filter((r) => r.arguments.subcommand === 'close')).toEqual([]);
  });
});
