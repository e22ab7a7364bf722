import { afterEach, describe, expect, it } from 'vitest';
import { type HttpTestApp, LIMIT, startHttpApp } from './http-test-app.js';

let running: HttpTestApp | undefined;

afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

/** The `rrext_process` subcommands the engine received. */
const dataOps = (t: HttpTestApp) => t.engine.requests().filter((r) => r.command === 'rrext_process').map((r) => r.arguments.subcommand);

const post = (url: string, body: RequestInit['body'], headers: Record<string, string> = {}) => fetch(url, { method: 'POST', body, headers });

describe('RocketRideErrorFilter answers the library’s coded errors with their HTTP status', () => {
  it('400: invalid UTF-8 in a text upload is ERR_INVALID_UTF8, not a 500; nothing is written or committed', async () => {
    running = await startHttpApp();
    const res = await post(`${running.url}/upload`, Buffer.from([0x61, 0xff, 0xfe, 0x62]), { 'content-type': 'text/plain' });

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ statusCode: 400, error: { code: 'ERR_INVALID_UTF8', message: 'Invalid UTF-8 in text input at byte 1 (0xff)' } });
    expect(dataOps(running)).toEqual(['open']);
  });

  it('404: a token with no running task is ERR_TASK_NOT_FOUND; only the open reached the engine', async () => {
    running = await startHttpApp();
    const res = await post(`${running.url}/tasks/no-such-task/upload`, 'data', { 'content-type': 'text/plain' });

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, error: { code: 'ERR_TASK_NOT_FOUND', message: 'Failed to open a data pipe: Your pipeline is not running' } });
    expect(dataOps(running)).toEqual(['open']);
  });

  it('413: a Content-Length over the limit is ERR_PAYLOAD_TOO_LARGE, refused before anything is opened', async () => {
    running = await startHttpApp();
    const res = await post(`${running.url}/upload`, Buffer.alloc(LIMIT + 1), { 'content-type': 'application/octet-stream' });

    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      statusCode: 413,
      error: { code: 'ERR_PAYLOAD_TOO_LARGE', message: `The request body is larger than the limit of ${LIMIT} bytes; nothing was committed` },
    });
    expect(dataOps(running)).toEqual([]);
  });

  it('500: a body Nest’s parser already read is ERR_BODY_CONSUMED, and nothing is opened', async () => {
    running = await startHttpApp({ bodyParser: true });
    const res = await post(`${running.url}/upload`, JSON.stringify({ a: 1 }), { 'content-type': 'application/json' });

    expect(res.status).toBe(500);
    const body = (await res.json()) as { statusCode: number; error: { code: string; message: string } };
    expect(body.statusCode).toBe(500);
    expect(body.error.code).toBe('ERR_BODY_CONSUMED');
    expect(body.error.message).toMatch(/^The request body was already parsed \(req\.body is set\) by another middleware/);
    expect(dataOps(running)).toEqual([]);
  });

  it('502: the pipeline failing the object is ERR_PIPE_RESULT, with the engine’s message', async () => {
    running = await startHttpApp();
    running.engine.faults.failPipeline(true, 'the model is down');
    const res = await post(`${running.url}/upload`, 'data', { 'content-type': 'text/plain' });

    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ statusCode: 502, error: { code: 'ERR_PIPE_RESULT', message: 'The pipeline failed the object: the model is down' } });
  });

  it('503: an engine that is not connected is ERR_NOT_CONNECTED, and nothing is sent to it', async () => {
    running = await startHttpApp();
    await running.rocketride.disconnect();
    const before = running.engine.requests().length;
    const res = await post(`${running.url}/upload`, 'data', { 'content-type': 'text/plain' });

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ statusCode: 503, error: { code: 'ERR_NOT_CONNECTED', message: 'The RocketRide engine is not connected' } });
    expect(running.engine.requests().length).toBe(before);
  });

  it('504: an engine that does not answer in time is ERR_TIMEOUT', async () => {
    running = await startHttpApp();
    running.engine.faults.withholdResponse('rrext_get_task_status', { times: 1 });
    const res = await fetch(`${running.url}/status`);

    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ statusCode: 504, error: { code: 'ERR_TIMEOUT', message: expect.any(String) } });
  });

  it('leaves other exceptions to Nest', async () => {
    running = await startHttpApp();
    const res = await fetch(`${running.url}/bug`);

    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});
