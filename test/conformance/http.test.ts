/**
 * PROTOCOL.md §14 cases 55–60: HTTP endpoints on the WebSocket port (§11).
 */
import { describe, expect, it } from 'vitest';
import { ECHO_PROJECT, KEY, echoPipeline, execute, open, openPipe, useEngine } from './helpers/env.js';
import { taskToken } from './helpers/ids.js';
import type { Msg } from './helpers/raw-client.js';

const auth = { Authorization: `Bearer ${KEY}` };
const json = async (res: Response): Promise<Msg> => (await res.json()) as Msg;

describe('HTTP endpoints', () => {
  const ctx = useEngine();
  const url = (path: string) => `${ctx.engine.httpUrl}${path}`;

  it('§14.55 GET /version needs no credentials and answers {"status":"OK","data":{…}}', async () => {
    const res = await fetch(url('/version'));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.status).toBe('OK');
    expect(typeof body.data).toBe('object');
    expect(body.data).not.toBeNull();
  });

  it('§14.56 GET /status without credentials (JSON Accept) → 401 {"status":"Error","error":{"error":"Access denied"}}', async () => {
    const res = await fetch(url('/status'), { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ status: 'Error', error: { error: 'Access denied' } });
    // With credentials it answers the server block.
    const ok = await fetch(url('/status'), { headers: { ...auth, Accept: 'application/json' } });
    expect(ok.status).toBe(200);
    const body = await json(ok);
    expect(body.status).toBe('OK');
    expect(body.data.server).toMatchObject({ startTime: expect.any(Number), uptime: expect.any(Number) });
    expect(typeof body.data.server.version).toBe('object');
  });

  for (const [n, route] of [
    [57, '/task/data'],
    [58, '/webhook'],
  ] as const) {
    it(`§14.${n} POST ${route}?token=T1 with a text/plain body pipes it through the task`, async () => {
      await execute(await ctx.authed(), { token: 'T1' });
      const res = await fetch(url(`${route}?token=T1`), {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'text/plain' },
        body: 'hi',
      });
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.status).toBe('OK');
      expect(body.data).toMatchObject({
        objectsRequested: 1,
        objectsCompleted: 1,
        resultTypes: { text: 'text' },
        objects: { body: { text: ['hi\n\n'], status: 'OK' } },
      });
      expect(body.data.objects.body).not.toHaveProperty('result_types');
    });
  }

  it('§14.59 POST /task starts the pipeline; such a task allows at most 4 open pipes', async () => {
    const res = await fetch(url('/task'), {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(echoPipeline()),
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({ status: 'OK', data: { token: expect.any(String) } });
    const token = body.data.token;
    expect(token).toBe(taskToken(ECHO_PROJECT, 'webhook_1'));

    const c = await ctx.authed();
    const pipes: number[] = [];
    for (let i = 0; i < 4; i++) pipes.push(await openPipe(c, token));
    expect(pipes).toEqual([0, 1, 2, 3]);
    const fifth = open(c, token, {}, 3000);
    const mark = c.frames.length;
    expect(await c.quietFor(300, (m) => m.type === 'response' && m.command === 'rrext_process', mark)).toBe(true);
    expect((await c.request('rrext_process', { subcommand: 'close', pipe_id: 2, token })).success).toBe(true);
    expect(await fifth).toMatchObject({ success: true, body: { pipe_id: 2 } });
  });

  it('§11 ?auth= works on /status but the task routes require the Authorization header (422)', async () => {
    expect((await fetch(url(`/status?auth=${KEY}`), { headers: { Accept: 'application/json' } })).status).toBe(200);
    await execute(await ctx.authed(), { token: 'T1' });
    const res = await fetch(url(`/task?token=T1&auth=${KEY}`), { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(422);
  });

  it('§14.60 GET /ping is not served (EaaS entrypoint) → 404', async () => {
    const res = await fetch(url('/ping'));
    expect(res.status).toBe(404);
  });
});
