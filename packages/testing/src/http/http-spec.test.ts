import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from '../server.js';
import { ECHO_PIPELINE } from '../test-client.js';
import type { Engine, EngineOptions } from '../types.js';
import { dispositionFilename } from './upload.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const auth = { authorization: 'Bearer K' };
const jsonAuth = { ...auth, 'content-type': 'application/json' };

async function start(options: EngineOptions = {}): Promise<Engine> {
  engine = await startEngine({ apiKey: 'K', ...options });
  return engine;
}

async function startTask(e: Engine, query = 'token=T1'): Promise<Response> {
  return fetch(`${e.httpUrl}/task?${query}`, { method: 'POST', headers: jsonAuth, body: JSON.stringify(ECHO_PIPELINE) });
}

describe('POST /task validation (FastAPI, PROTOCOL.md §11)', () => {
  it('rejects threads outside 1–64 or not an integer with 422 and the validation detail', async () => {
    const e = await start();
    for (const [value, type] of [
      ['0', 'greater_than_equal'],
      ['65', 'less_than_equal'],
      ['abc', 'int_parsing'],
      ['2.5', 'int_parsing'],
    ] as const) {
      const r = await startTask(e, `token=T1&threads=${value}`);
      expect(r.status).toBe(422);
      const body = (await r.json()) as { detail: { type: string; loc: unknown[]; input: unknown }[] };
      expect(body.detail).toEqual([expect.objectContaining({ type, loc: ['query', 'threads'], input: value })]);
    }
    expect(e.tasks()).toHaveLength(0);
    const ok = await startTask(e, 'token=T1&threads=64');
    expect(ok.status).toBe(200);
    expect(e.tasks()[0]!.threads).toBe(64);
  });

  it('validates the body as a JSON object: missing, invalid JSON, not an object, not a JSON content type', async () => {
    const e = await start();
    const post = (body: string | undefined, headers: Record<string, string>) =>
      fetch(`${e.httpUrl}/task?token=T1`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
    const missing = await post(undefined, jsonAuth);
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
    const invalid = await post('{nope', jsonAuth);
    expect(((await invalid.json()) as { detail: { type: string }[] }).detail[0]!.type).toBe('json_invalid');
    const list = await post('[1]', jsonAuth);
    expect(((await list.json()) as { detail: { type: string; input: unknown }[] }).detail[0]).toMatchObject({
      type: 'dict_type',
      input: [1],
    });
    // text/plain (what fetch sets for a string body) is not parsed as JSON.
    const text = await post(JSON.stringify(ECHO_PIPELINE), auth);
    expect(text.status).toBe(422);
    expect(((await text.json()) as { detail: { type: string }[] }).detail[0]!.type).toBe('dict_type');
    const vendor = await post(JSON.stringify(ECHO_PIPELINE), { ...auth, 'content-type': 'application/vnd.x+json' });
    expect(vendor.status).toBe(200);
  });

  it('lists a missing Authorization header with the other validation errors', async () => {
    const e = await start();
    const r = await fetch(`${e.httpUrl}/task?threads=0&auth=K`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(422);
    const body = (await r.json()) as { detail: { loc: unknown[] }[] };
    expect(body.detail.map((d) => d.loc)).toEqual([['query', 'threads'], ['header', 'authorization'], ['body']]);
  });
});

describe('POST /task/data bridge (PROTOCOL.md §11)', () => {
  it('reports an unknown token as an object error in an HTTP 200', async () => {
    const e = await start();
    const r = await fetch(`${e.httpUrl}/task/data?token=nope`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'OK',
      data: {
        objectsRequested: 1,
        objectsCompleted: 0,
        resultTypes: {},
        objects: {
          body: {
            status: 'Error',
            error: { message: 'Your pipeline is not running', file: expect.any(String), lineno: expect.any(Number) },
            metrics: null,
            warnings: null,
          },
        },
      },
    });
  });

  it('lower-cases the mime type, as the bridge normalises it', async () => {
    const e = await start();
    await startTask(e);
    const r = await fetch(`${e.httpUrl}/task/data?token=T1`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'Text/Plain; charset=UTF-8' },
      body: 'hi',
    });
    const json = (await r.json()) as { data: { objects: { body: { text?: string[] } } } };
    expect(json.data.objects.body.text).toEqual(['hi\n\n']);
    expect(e.pipes()[0]!.mimeType).toBe('text/plain');
  });

  it('reads the Content-Disposition filename as the server does, without RFC 5987 decoding', () => {
    expect(dispositionFilename('attachment; filename="a b.txt"')).toBe('a b.txt');
    expect(dispositionFilename("attachment; filename='x.txt'")).toBe('x.txt');
    expect(dispositionFilename('attachment; filename=plain.txt')).toBe('plain.txt');
    expect(dispositionFilename("attachment; filename*=UTF-8''na%C3%AFve.txt")).toBe("UTF-8''na%C3%AFve.txt");
    expect(dispositionFilename('attachment; filename="first.txt"; filename*=UTF-8\'\'second.txt')).toBe('first.txt');
    expect(dispositionFilename('attachment; FILENAME=upper.txt')).toBeUndefined();
    expect(dispositionFilename('attachment')).toBeUndefined();
  });
});

describe('CORS (PROTOCOL.md §11)', () => {
  it('allows every origin without credentials by default', async () => {
    const e = await start({ corsOrigins: [] });
    const simple = await fetch(`${e.httpUrl}/version`, { headers: { origin: 'http://app.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${e.httpUrl}/task`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const plain = await fetch(`${e.httpUrl}/version`);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with configured origins, mirrors an allowed origin with credentials and refuses others on preflight', async () => {
    const e = await start({ corsOrigins: ['http://ok.example'] });
    const ok = await fetch(`${e.httpUrl}/version`, { headers: { origin: 'http://ok.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://ok.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${e.httpUrl}/version`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${e.httpUrl}/task`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(400);
    expect(await preflight.text()).toBe('Disallowed CORS origin');
  });
});
