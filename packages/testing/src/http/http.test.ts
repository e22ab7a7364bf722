import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from '../server.js';
import { ECHO_PIPELINE } from '../test-client.js';
import type { Engine } from '../types.js';
import { parseMultipart } from './multipart.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const auth = { authorization: 'Bearer K' };
const jsonAuth = { ...auth, 'content-type': 'application/json' };

interface UploadData {
  objectsRequested: number;
  objectsCompleted: number;
  resultTypes: Record<string, string>;
  objects: Record<string, { status: string; text?: string[]; name?: string; error?: { message: string } }>;
}

async function startWithTask(): Promise<Engine> {
  engine = await startEngine({ apiKey: 'K' });
  const r = await fetch(`${engine.httpUrl}/task?token=T1`, { method: 'POST', headers: jsonAuth, body: JSON.stringify(ECHO_PIPELINE) });
  expect(await r.json()).toEqual({ status: 'OK', data: { token: 'T1' } });
  return engine;
}

async function* chunks(parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

async function collect(parts: string[], boundary: string) {
  const out: unknown[] = [];
  for await (const ev of parseMultipart(chunks(parts), boundary)) {
    out.push(ev.type === 'data' ? { data: ev.chunk.toString() } : ev);
  }
  return out;
}

describe('multipart parser', () => {
  it('finds parts whatever the chunk boundaries', async () => {
    const body =
      'preamble\r\n--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nhello\r\n--XyZ\r\n' +
      'Content-Disposition: form-data; name="f"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n';
    const whole = await collect([body], 'XyZ');
    const join = (evs: unknown[]) => {
      const out: unknown[] = [];
      for (const e of evs as Record<string, unknown>[]) {
        const last = out[out.length - 1] as Record<string, unknown> | undefined;
        if (e.data !== undefined && last?.data !== undefined) last.data = String(last.data) + String(e.data);
        else out.push({ ...e });
      }
      return out;
    };
    expect(join(whole)).toEqual([
      { type: 'part', name: 'a', filename: undefined, contentType: undefined },
      { data: 'hello' },
      { type: 'end-part' },
      { type: 'part', name: 'f', filename: 'f.txt', contentType: 'text/plain' },
      { data: 'line1\r\nline2' },
      { type: 'end-part' },
    ]);
    const bytewise = await collect(body.split(''), 'XyZ');
    expect(join(bytewise)).toEqual(join(whole));
  });

  it('rejects a truncated body', async () => {
    await expect(collect(['--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc'], 'B')).rejects.toThrow(/ends inside/);
  });
});

describe('HTTP routes', () => {
  it('uploads multipart files and fields into separate pipes, keying duplicate fields', async () => {
    const e = await startWithTask();
    const form = new FormData();
    form.append('note', 'first');
    form.append('note', 'second');
    form.append('doc', new Blob(['x'.repeat(70_000)], { type: 'text/plain' }), 'doc.txt');
    const r = await fetch(`${e.httpUrl}/task/data?token=T1`, { method: 'POST', headers: auth, body: form });
    const json = (await r.json()) as { status: string; data: UploadData };
    expect(r.status).toBe(200);
    expect(json.data.objectsRequested).toBe(3);
    expect(json.data.objectsCompleted).toBe(3);
    expect(json.data.resultTypes).toEqual({ text: 'text' });
    expect(Object.keys(json.data.objects).sort()).toEqual(['doc', 'note_0', 'note_1']);
    expect(json.data.objects.note_0!.text).toEqual(['first\n\n']);
    expect(json.data.objects.note_1!.text).toEqual(['second\n\n']);
    // Text-field objects are named after their key, duplicates included (<key>-<uuid>).
    expect(json.data.objects.note_0!.name).toMatch(/^note_0-[0-9a-f-]{36}$/);
    expect(json.data.objects.note_1!.name).toMatch(/^note_1-[0-9a-f-]{36}$/);
    // A file part travels in 64 KiB writes: two text segments.
    expect(json.data.objects.doc!.text).toEqual([`${'x'.repeat(65_536)}\n\n${'x'.repeat(70_000 - 65_536)}\n\n`]);
    const doc = e.pipes({ token: 'T1' }).find((p) => p.object.name === 'doc.txt')!;
    expect(doc.writes).toBe(2);
    expect(doc.received.length).toBe(70_000);
  });

  it('reports a failing object without failing the request', async () => {
    const e = await startWithTask();
    const r = await fetch(`${e.httpUrl}/webhook?token=T1`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: Buffer.from([0xc3]),
    });
    const json = (await r.json()) as { data: UploadData };
    expect(r.status).toBe(200);
    expect(json.data.objectsCompleted).toBe(0);
    expect(json.data.objects.body).toMatchObject({ status: 'Error', metrics: null, warnings: null });
    expect(json.data.objects.body!.error!.message).toMatch(/utf-8/);
  });

  it('names a raw body from Content-Disposition and sizes it from Content-Length', async () => {
    const e = await startWithTask();
    await fetch(`${e.httpUrl}/task/data?token=T1`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="b.bin"' },
      body: Buffer.from('abc'),
    });
    expect(e.pipes()[0]).toMatchObject({ object: { name: 'b.bin', size: 3 }, lane: 'raw', state: 'closed' });
  });

  it('refuses task routes without credentials, and a query-only credential with 422', async () => {
    const e = await startWithTask();
    const none = await fetch(`${e.httpUrl}/task?token=T1`);
    expect(none.status).toBe(401);
    const html = await fetch(`${e.httpUrl}/status`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(401);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const query = await fetch(`${e.httpUrl}/task?token=T1&auth=K`);
    expect(query.status).toBe(422);
    const status = await fetch(`${e.httpUrl}/status?auth=K`);
    expect(status.status).toBe(200);
  });

  it('answers handler errors with 400 and the error envelope, and stops tasks with DELETE', async () => {
    const e = await startWithTask();
    const missing = await fetch(`${e.httpUrl}/task?token=nope`, { headers: auth });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ status: 'Error', error: { message: 'Your pipeline is not running' } });
    const del = await fetch(`${e.httpUrl}/task?token=T1`, { method: 'DELETE', headers: auth });
    expect(await del.json()).toEqual({ status: 'OK' });
    expect(e.tasks()[0]).toMatchObject({ state: 6, completed: true });
    const threads = await fetch(`${e.httpUrl}/task?threads=99`, { method: 'POST', headers: jsonAuth, body: JSON.stringify(ECHO_PIPELINE) });
    expect(threads.status).toBe(422);
  });
});
