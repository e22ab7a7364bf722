import { randomBytes } from 'node:crypto';
import { connect } from 'rocketride-streams';
import { describe, expect, it } from 'vitest';
import { EXPRESS_MAJORS, useApp } from './test-support/app.js';
import { sha256, until } from './test-support/fixture.js';
import { spying } from './test-support/spying.js';
import { type UploadClient, type UploadHandlerOptions, uploadHandler } from './upload-handler.js';

/** A streamed (chunked) request body that yields `chunks`, then waits on `hold` before ending. */
function streamBody(chunks: Uint8Array[], hold?: Promise<void>): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else {
        await hold;
        controller.close();
      }
    },
  });
}

describe.each(EXPRESS_MAJORS)('uploadHandler on %s', (_label, express) => {
  // Scaled reaping (60 s idle → 800 ms): short enough for the abandonment tests, long enough that a
  // loaded machine never stalls a healthy upload past it.
  const t = useApp(express, { timing: { reapIdleMs: 800, reapScanMs: 50 } });
  const mount = (client: UploadClient, options: UploadHandlerOptions) => t.mount('post', '/upload', uploadHandler(client, options));

  it('streams the body into a pipe and answers 200 with the result; the engine received every byte', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    const body = randomBytes(300_000);
    const res = await fetch(`${t.base}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('données.bin') },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const result = (await res.json()) as Record<string, unknown>;
    expect(result.name).toBe('données.bin');
    const rec = t.fx.engine.pipes().at(-1)!;
    expect(rec.state).toBe('closed');
    expect(rec.mimeType).toBe('application/octet-stream');
    expect(rec.object.size).toBe(body.length);
    expect(sha256(rec.received)).toBe(sha256(body));
  });

  it('takes the MIME type from Content-Type (without parameters) and the name from ?name=', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    const res = await fetch(`${t.base}/upload?name=notes.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'hello from a browser',
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { name: string; text: string[] };
    expect(result.name).toBe('notes.txt');
    expect(result.text).toEqual(['hello from a browser\n\n']);
    expect(t.fx.engine.pipes().at(-1)!.mimeType).toBe('text/plain');
  });

  it('streams a chunked body (no Content-Length) through the same way', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    const parts = [randomBytes(70_000), randomBytes(90_000), randomBytes(10)];
    const res = await fetch(`${t.base}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'chunked.bin' },
      body: streamBody(parts),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(sha256(t.fx.engine.pipes().at(-1)!.received)).toBe(sha256(Buffer.concat(parts)));
  });

  it('answers 400 with the error code for bad input (invalid UTF-8 in a text body), and commits nothing', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    const closesBefore = t.fx.closes();
    const res = await fetch(`${t.base}/upload?name=bad.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from([0x68, 0x69, 0xff, 0xfe]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_INVALID_UTF8', message: expect.any(String) } });
    expect(t.fx.closes()).toBe(closesBefore);
  });

  it('answers 400 for an empty token from resolveToken', async () => {
    await mount(t.fx.rocketride, { resolveToken: () => '' });
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_INVALID_TOKEN' } });
  });

  it('answers 413 before opening a pipe when Content-Length is over the limit', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token, limit: 1000 });
    const opensBefore = t.fx.opens();
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: randomBytes(1001) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    expect(t.fx.opens()).toBe(opensBefore);
  });

  it('accepts a body of exactly the limit', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token, limit: 1000 });
    const body = randomBytes(1000);
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(sha256(t.fx.engine.pipes().at(-1)!.received)).toBe(sha256(body));
  });

  it('counts a streamed body and answers 413 when it crosses the limit: the sink is destroyed, close never sent', async () => {
    const client = spying(t.fx.rocketride);
    await mount(client, { token: t.fx.token, limit: 100_000 });
    const closesBefore = t.fx.closes();
    const res = await fetch(`${t.base}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: streamBody([randomBytes(60_000), randomBytes(60_000), randomBytes(60_000)]),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_PAYLOAD_TOO_LARGE' } });
    const [sink] = client.sinks;
    expect(sink!.destroyed).toBe(true);
    await expect(sink!.result).rejects.toMatchObject({ code: 'ERR_PAYLOAD_TOO_LARGE' });
    expect(t.fx.closes()).toBe(closesBefore);
    const rec = t.fx.engine.pipes().at(-1)!;
    expect(rec.bytes).toBeLessThanOrEqual(100_000);
    await until(() => rec.state === 'abandoned', 'the engine to reap the abandoned pipe');
  });

  it('destroys the sink when the client disconnects mid-upload: no close, the pipe abandoned', async () => {
    const client = spying(t.fx.rocketride);
    await mount(client, { token: t.fx.token });
    const closesBefore = t.fx.closes();
    const pipesBefore = t.fx.engine.pipes().length;
    const ctl = new AbortController();
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const request = fetch(`${t.base}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'partial.bin' },
      body: streamBody([randomBytes(50_000)], hold),
      duplex: 'half',
      signal: ctl.signal,
    } as RequestInit);
    request.catch(() => {});
    await until(() => t.fx.engine.pipes().length > pipesBefore && t.fx.engine.pipes().at(-1)!.bytes === 50_000, 'the first bytes to reach the engine');
    ctl.abort();
    release();
    await expect(request).rejects.toThrow();
    const [sink] = client.sinks;
    // An aborted fetch closes its socket with a FIN: to the server, a chunked body that ended before
    // its last chunk (ERR_BODY_INCOMPLETE; a reset gives ERR_CLIENT_DISCONNECTED, upload-integrity.test.ts).
    await expect(sink!.result).rejects.toMatchObject({ code: 'ERR_ABORTED', cause: { code: 'ERR_BODY_INCOMPLETE' } });
    expect(sink!.destroyed).toBe(true);
    expect(t.fx.closes()).toBe(closesBefore);
    const rec = t.fx.engine.pipes().at(-1)!;
    expect(rec.object.name).toBe('partial.bin');
    await until(() => rec.state === 'abandoned', 'the engine to reap the abandoned pipe');
  });

  it('answers 404 ERR_TASK_NOT_FOUND for a task token with no running task: the caller’s mistake, not an engine failure', async () => {
    await mount(t.fx.rocketride, { resolveToken: () => 'no-such-task' });
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: 'data' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'ERR_TASK_NOT_FOUND', message: 'Failed to open a data pipe: Your pipeline is not running' } });
    const sent = t.fx.engine.requests().filter((r) => r.arguments.token === 'no-such-task');
    expect(sent.map((r) => r.arguments.subcommand)).toEqual(['open']);
  });

  it('answers 404 ERR_TASK_NOT_FOUND for a form sent to a token with no running task, with what became of its file', async () => {
    await mount(t.fx.rocketride, { resolveToken: () => 'no-such-task' });
    const form = new FormData();
    form.append('a', new File(['abc'], 'a.txt', { type: 'text/plain' }));
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string }; files: { name: string; error?: { code: string } }[] };
    expect(body.error).toEqual({ code: 'ERR_TASK_NOT_FOUND', message: 'Failed to open a data pipe: Your pipeline is not running' });
    expect(body.files).toEqual([expect.objectContaining({ name: 'a.txt', error: expect.objectContaining({ code: 'ERR_TASK_NOT_FOUND' }) })]);
  });

  it('answers 502 when the pipeline reports a failure in its result', async () => {
    await mount(t.fx.rocketride, { token: t.fx.token });
    t.fx.engine.faults.failPipeline(true, 'the model fell over');
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: 'data' });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain('the model fell over');
  });

  it('answers 503 when the client is not connected, without opening a pipe', async () => {
    const other = await connect({ uri: t.fx.engine.uri, auth: 'k', env: {} });
    await other.disconnect();
    await mount(other, { token: t.fx.token });
    const opensBefore = t.fx.opens();
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: 'data' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_NOT_CONNECTED' } });
    expect(t.fx.opens()).toBe(opensBefore);
  });

  it('answers 503 when the engine connection is lost mid-upload, and commits nothing', async () => {
    const other = await connect({ uri: t.fx.engine.uri, auth: 'k', env: {} });
    try {
      await mount(other, { token: t.fx.token });
      const closesBefore = t.fx.closes();
      t.fx.engine.faults.closeAfterBytes(10);
      const res = await fetch(`${t.base}/upload`, { method: 'POST', body: randomBytes(5000) });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: expect.stringMatching(/^ERR_(CONNECTION_LOST|DISCONNECTED)$/) } });
      expect(t.fx.closes()).toBe(closesBefore);
    } finally {
      await other.disconnect();
    }
  });

  it('passes an error that is not a library error to next()', async () => {
    const app = express();
    app.post('/upload', uploadHandler(t.fx.rocketride, { resolveToken: () => { throw new Error('session store down'); } }));
    app.use((err: Error, _req: unknown, res: { status(n: number): { json(b: unknown): void } }, _next: unknown) => {
      res.status(500).json({ handledBy: 'app', message: err.message });
    });
    await t.serve(app);
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ handledBy: 'app', message: 'session store down' });
  });
});

describe('uploadHandler options', () => {
  it('refuses both or neither of token and resolveToken, and a bad limit', () => {
    const client = { isConnected: () => true, pipe: () => { throw new Error('unused'); } } as unknown as UploadClient;
    expect(() => uploadHandler(client, {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => uploadHandler(client, { token: 't', resolveToken: () => 't' })).toThrow(/exactly one/);
    expect(() => uploadHandler(client, { token: 't', limit: -1 })).toThrow(/limit/);
  });

  it('refuses a name, mimeType or pipeOptions that is not a function, with ERR_INVALID_ARGUMENT', () => {
    const client = { isConnected: () => true, pipe: () => { throw new Error('unused'); } } as unknown as UploadClient;
    for (const key of ['name', 'mimeType', 'pipeOptions']) {
      for (const bad of ['x', 42, {}]) {
        expect(() => uploadHandler(client, { token: 't', [key]: bad })).toThrow(
          expect.objectContaining({ name: 'ValidationError', code: 'ERR_INVALID_ARGUMENT', message: `upload options: \`${key}\` must be a function of the request` }),
        );
      }
    }
  });
});
