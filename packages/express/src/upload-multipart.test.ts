import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXPRESS_MAJORS, useApp } from './test-support/app.js';
import { sha256, until } from './test-support/fixture.js';
import { BOUNDARY, FORM_TYPE, formBody, partBytes } from './test-support/form.js';
import { RawRequest } from './test-support/raw-http.js';
import { type UploadHandlerOptions, uploadHandler } from './upload-handler.js';

interface FileEntry {
  field: string;
  name: string;
  mimeType: string;
  size: number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

describe.each(EXPRESS_MAJORS)('uploadHandler on %s: multipart/form-data', (_label, express) => {
  const t = useApp(express, { timing: { reapIdleMs: 800, reapScanMs: 50 } });
  const mount = (options: Omit<UploadHandlerOptions, 'token'> = {}) => t.mount('post', '/upload', uploadHandler(t.fx.rocketride, { token: t.fx.token, ...options }));
  const newPipes = (before: number) => t.fx.engine.pipes().slice(before);

  it('puts each file of a browser form (two files, a text field) into its own pipe and answers one result per file', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    const photo = randomBytes(300_000);
    const notes = 'first line\nsecond line\n';
    const form = new FormData();
    form.append('comment', 'a text field, never sent to the engine');
    form.append('photo', new File([photo], 'photo.bin', { type: 'application/octet-stream' }));
    form.append('notes', new File([notes], 'notes.txt', { type: 'text/plain' }));

    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });

    expect(res.status).toBe(200);
    const files = (await res.json()) as FileEntry[];
    expect(files).toEqual([
      { field: 'photo', name: 'photo.bin', mimeType: 'application/octet-stream', size: photo.length, result: expect.objectContaining({ name: 'photo.bin' }) },
      { field: 'notes', name: 'notes.txt', mimeType: 'text/plain', size: notes.length, result: expect.objectContaining({ name: 'notes.txt' }) },
    ]);
    const [first, second, ...more] = newPipes(pipesBefore);
    expect(more).toEqual([]);
    expect(first).toMatchObject({ state: 'closed', mimeType: 'application/octet-stream', object: { name: 'photo.bin' } });
    expect(sha256(first!.received)).toBe(sha256(photo));
    expect(second).toMatchObject({ state: 'closed', mimeType: 'text/plain', lane: 'text', object: { name: 'notes.txt' } });
    expect(sha256(second!.received)).toBe(sha256(Buffer.from(notes)));
  });

  it('streams a file as it arrives: the engine has its first bytes before the client sends the rest of the form', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    const head = randomBytes(100_000);
    const tail = randomBytes(100_000);
    const whole = formBody([{ field: 'f', filename: 'big.bin', data: Buffer.concat([head, tail]) }]);
    const cut = partBytes({ field: 'f', filename: 'big.bin', data: head }).length;
    const raw = await RawRequest.open(t.base, '/upload', { 'content-type': FORM_TYPE, 'content-length': whole.length, connection: 'close' });
    await raw.write(whole.subarray(0, cut));
    // Part of the file is held back by the parser until it knows the boundary is not in it.
    await until(() => newPipes(pipesBefore)[0] !== undefined && newPipes(pipesBefore)[0]!.bytes >= head.length - BOUNDARY.length - 8, 'the first bytes to reach the engine');
    await raw.write(whole.subarray(cut));
    const res = await raw.response();
    expect(res?.status).toBe(200);
    expect(sha256(newPipes(pipesBefore)[0]!.received)).toBe(sha256(Buffer.concat([head, tail])));
  });

  it('holds the client back while the engine does not acknowledge (backpressure): the form is not read into memory', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    t.fx.engine.faults.withholdResponse('rrext_process:write');
    const total = 64 * 1024 * 1024;
    const chunk = randomBytes(64 * 1024);
    let pulled = 0;
    const head = partBytes({ field: 'f', filename: 'huge.bin', data: new Uint8Array() });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const ctl = new AbortController();
    const request = fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body, duplex: 'half', signal: ctl.signal } as RequestInit);
    request.catch(() => {});
    await until(() => (newPipes(pipesBefore)[0]?.writes ?? 0) >= 1, 'the first write to reach the engine');
    // Wait until the client stops being read from, then check how far it got.
    let last = -1;
    let still = 0;
    await until(() => {
      still = pulled === last ? still + 1 : 0;
      last = pulled;
      return still >= 40;
    }, 'the client to be held back');
    expect(pulled).toBeLessThan(total / 4);
    expect(newPipes(pipesBefore)[0]!.writes).toBe(1);
    ctl.abort();
    await until(() => newPipes(pipesBefore)[0]!.state === 'abandoned', 'the engine to reap the abandoned pipe');
  });

  it('commits the file that ended before a connection reset mid-file, and not the cut one', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    const closesBefore = t.fx.closes();
    const done = randomBytes(50_000);
    const cut = randomBytes(80_000);
    const whole = formBody([
      { field: 'a', filename: 'done.bin', data: done },
      { field: 'b', filename: 'cut.bin', data: cut },
    ]);
    const raw = await RawRequest.open(t.base, '/upload', { 'content-type': FORM_TYPE, 'content-length': whole.length });
    const sent = partBytes({ field: 'a', filename: 'done.bin', data: done }).length + 2 + partBytes({ field: 'b', filename: 'cut.bin', data: cut.subarray(0, 40_000) }).length;
    await raw.write(whole.subarray(0, sent));
    await until(() => newPipes(pipesBefore)[0]?.state === 'closed' && (newPipes(pipesBefore)[1]?.bytes ?? 0) > 30_000, 'the first file committed, the second streaming');
    raw.reset();
    expect(await raw.response()).toBeUndefined();
    const [first, second] = newPipes(pipesBefore);
    expect(sha256(first!.received)).toBe(sha256(done));
    expect(second!.object.name).toBe('cut.bin');
    await until(() => second!.state === 'abandoned', 'the engine to reap the cut file');
    expect(t.fx.closes()).toBe(closesBefore + 1);
  });

  it('answers 400 ERR_CONTENT_LENGTH_MISMATCH to a form half-closed mid-file; the cut file is not committed', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    const closesBefore = t.fx.closes();
    const file = randomBytes(80_000);
    const whole = formBody([{ field: 'f', filename: 'cut.bin', data: file }]);
    const sent = partBytes({ field: 'f', filename: 'cut.bin', data: file.subarray(0, 40_000) }).length;
    const raw = await RawRequest.open(t.base, '/upload', { 'content-type': FORM_TYPE, 'content-length': whole.length });
    await raw.write(whole.subarray(0, sent));
    await until(() => (newPipes(pipesBefore)[0]?.bytes ?? 0) > 30_000, 'the file to stream');
    raw.endBody();
    const res = await raw.response();
    expect(res?.status).toBe(400);
    expect(JSON.parse(res!.body)).toEqual({
      error: {
        code: 'ERR_CONTENT_LENGTH_MISMATCH',
        message: `The request body has ${sent} bytes but its Content-Length announced ${whole.length}; nothing was committed`,
      },
    });
    expect(t.fx.closes()).toBe(closesBefore);
    await until(() => newPipes(pipesBefore)[0]!.state === 'abandoned', 'the engine to reap the cut file');
  });

  it('answers 413 ERR_FILE_TOO_LARGE for a file over maxFileSize: its pipe destroyed, the file before it committed and listed', async () => {
    await mount({ multipart: { maxFileSize: 100_000 } });
    const pipesBefore = t.fx.engine.pipes().length;
    const closesBefore = t.fx.closes();
    const small = randomBytes(1000);
    const form = new FormData();
    form.append('a', new File([small], 'small.bin'));
    form.append('b', new File([randomBytes(300_000)], 'big.bin'));

    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });

    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string }; files: FileEntry[] };
    expect(body.error).toEqual({ code: 'ERR_FILE_TOO_LARGE', message: 'The file "big.bin" is larger than the limit of 100000 bytes; it was not committed' });
    expect(body.files).toEqual([
      { field: 'a', name: 'small.bin', mimeType: 'application/octet-stream', size: 1000, result: expect.objectContaining({ name: 'small.bin' }) },
      { field: 'b', name: 'big.bin', mimeType: 'application/octet-stream', size: expect.any(Number), error: body.error },
    ]);
    expect(body.files[1]!.size).toBeLessThanOrEqual(100_000 + 65_536);
    expect(t.fx.closes()).toBe(closesBefore + 1);
    const [first, second] = newPipes(pipesBefore);
    expect(sha256(first!.received)).toBe(sha256(small));
    expect(second!.bytes).toBeLessThanOrEqual(100_000);
    expect(second!.state).not.toBe('closed');
  });

  it('answers 413 ERR_TOO_MANY_FILES for one file more than maxFiles: the extra file is never opened', async () => {
    await mount({ multipart: { maxFiles: 1 } });
    const opensBefore = t.fx.opens();
    const form = new FormData();
    form.append('a', new File(['one'], 'one.txt', { type: 'text/plain' }));
    form.append('b', new File(['two'], 'two.txt', { type: 'text/plain' }));

    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });

    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string }; files: FileEntry[] };
    expect(body.error).toEqual({ code: 'ERR_TOO_MANY_FILES', message: 'The form has more than 1 files; the files after the limit were not committed' });
    expect(body.files.map((f) => [f.name, f.result === undefined ? 'not committed' : 'committed'])).toEqual([['one.txt', 'committed']]);
    expect(t.fx.opens()).toBe(opensBefore + 1);
  });

  it('answers 413 ERR_PAYLOAD_TOO_LARGE for a form whose whole body crosses limit', async () => {
    await mount({ limit: 50_000 });
    const closesBefore = t.fx.closes();
    const form = new FormData();
    form.append('a', new File([randomBytes(80_000)], 'a.bin'));
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_PAYLOAD_TOO_LARGE', message: expect.stringContaining('50000 bytes') } });
    expect(t.fx.closes()).toBe(closesBefore);
  });

  it('answers 400 ERR_MULTIPART_MALFORMED to a form that ends without its closing boundary; the unfinished file is not committed', async () => {
    await mount();
    const pipesBefore = t.fx.engine.pipes().length;
    const closesBefore = t.fx.closes();
    const truncated = partBytes({ field: 'f', filename: 'unfinished.bin', data: randomBytes(20_000) });
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body: truncated });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string }; files: FileEntry[] };
    expect(body.error.code).toBe('ERR_MULTIPART_MALFORMED');
    expect(body.error.message).toMatch(/^The multipart\/form-data body is malformed \(Unexpected end of (form|file)\)/);
    expect(body.files).toEqual([expect.objectContaining({ name: 'unfinished.bin', error: expect.objectContaining({ code: expect.any(String) }) })]);
    expect(t.fx.closes()).toBe(closesBefore);
    expect(newPipes(pipesBefore).every((p) => p.state !== 'closed')).toBe(true);
  });

  it('answers 400 ERR_MULTIPART_MALFORMED to a form without a boundary, before opening anything', async () => {
    await mount();
    const opensBefore = t.fx.opens();
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'no boundary' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'ERR_MULTIPART_MALFORMED', message: 'The multipart/form-data body is malformed (Multipart: Boundary not found); the file being received was not committed' },
    });
    expect(t.fx.opens()).toBe(opensBefore);
  });

  it('answers 400 ERR_NO_FILES to a form with only text fields (or an empty file input), committing nothing', async () => {
    await mount();
    const opensBefore = t.fx.opens();
    const body = formBody([
      { field: 'comment', value: 'hello' },
      { field: 'attachment', filename: '', data: new Uint8Array() },
    ]);
    const res = await fetch(`${t.base}/upload`, { method: 'POST', headers: { 'content-type': FORM_TYPE }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'ERR_NO_FILES', message: 'The multipart/form-data body has no file part; nothing was committed' } });
    expect(t.fx.opens()).toBe(opensBefore);
  });

  it('fails the form on a file the engine refuses (invalid UTF-8 in a text file): 400, that file not committed', async () => {
    await mount();
    const closesBefore = t.fx.closes();
    const form = new FormData();
    form.append('t', new File([Buffer.from([0x61, 0xff, 0xfe, 0x62])], 'bad.txt', { type: 'text/plain' }));
    const res = await fetch(`${t.base}/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string }; files: FileEntry[] };
    expect(body.error.code).toBe('ERR_INVALID_UTF8');
    expect(body.files).toEqual([expect.objectContaining({ name: 'bad.txt', error: expect.objectContaining({ code: 'ERR_INVALID_UTF8' }) })]);
    expect(t.fx.closes()).toBe(closesBefore);
  });
});
