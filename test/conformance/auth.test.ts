/**
 * PROTOCOL.md §14 cases 1–11: connection and authentication (§1.1, §2).
 */
import { describe, expect, it } from 'vitest';
import { KEY, echoPipeline, useEngine } from './helpers/env.js';
import { RawClient } from './helpers/raw-client.js';

/** Every frame after index 0 of a connection that must have sent exactly one response, then closed. */
async function expectOneFailureThenClose(c: RawClient, seq: number, message: string, command: string) {
  const { code } = await c.waitClosed();
  expect(c.frames.length, 'exactly one frame before the close').toBe(1);
  const res = c.frames[0]!.msg!;
  expect(res).toMatchObject({ type: 'response', request_seq: seq, command, success: false, message });
  return code;
}

describe('connection and auth (key K)', () => {
  const ctx = useEngine();

  it('§14.1 an upgrade to /task/service without credentials succeeds and the server stays silent', async () => {
    expect(new URL(ctx.engine.uri).pathname).toBe('/task/service');
    const c = await ctx.connect();
    expect(c.isOpen).toBe(true);
    expect(await c.quietFor(300)).toBe(true);
    expect(c.frames).toHaveLength(0);
  });

  it('§14.2 auth with the key returns the OSS ConnectResult', async () => {
    const c = await ctx.connect();
    const res = await c.request('auth', { auth: KEY, clientName: 'conformance', clientVersion: '0' });
    expect(res).toMatchObject({ type: 'response', request_seq: 1, command: 'auth', success: true });
    expect(res.body).toMatchObject({ userToken: KEY, userId: 'local' });
    expect(res.body.capabilities).toContain('oss');
    expect(res.body.organizations[0].teams[0].permissions).toContain('task.data');
    expect(JSON.stringify(res.body)).not.toContain('"auth"');
    expect(c.isOpen).toBe(true);
  });

  it('§14.3 auth with "Bearer K" succeeds (prefix stripped)', async () => {
    const c = await ctx.connect();
    const res = await c.request('auth', { auth: `Bearer ${KEY}` });
    expect(res.success).toBe(true);
    expect(res.body.userToken).toBe(KEY);
    expect((await c.request('rrext_ping')).success).toBe(true);
  });

  it('§14.4 a wrong key gets "Invalid API key", then a 1000 close with no other frame', async () => {
    const c = await ctx.connect();
    c.send({ type: 'request', seq: 1, command: 'auth', arguments: { auth: 'wrong' } });
    const code = await expectOneFailureThenClose(c, 1, 'Invalid API key', 'auth');
    expect(code).toBe(1000);
  });

  it('§14.5 an empty credential gets "No authorization provided", then close', async () => {
    const c = await ctx.connect();
    c.send({ type: 'request', seq: 1, command: 'auth', arguments: { auth: '' } });
    await expectOneFailureThenClose(c, 1, 'No authorization provided', 'auth');
  });

  it('§14.7 rrext_ping before auth gets exactly one "Not authenticated" response, then close', async () => {
    const c = await ctx.connect();
    c.send({ type: 'request', seq: 7, command: 'rrext_ping', arguments: {} });
    await expectOneFailureThenClose(c, 7, 'Not authenticated', 'rrext_ping');
  });

  it('§2.4 before auth, deauth, a non-request frame and an empty command are each refused with one response and a close', async () => {
    const frames = [
      { type: 'request', seq: 3, command: 'deauth', arguments: {} },
      { type: 'event', seq: 3, event: 'x', body: {} },
      { type: 'request', seq: 3, command: '', arguments: {} },
    ];
    for (const frame of frames) {
      const c = await ctx.connect();
      c.send(frame);
      await c.waitClosed();
      expect(c.frames.length, JSON.stringify(frame)).toBe(1);
      expect(c.frames[0]!.msg, JSON.stringify(frame)).toMatchObject({ success: false, message: 'Not authenticated' });
    }
  });

  it('§2.1 a tk_ credential locks the connection to its task: arguments.token is ignored', async () => {
    const admin = await ctx.authed();
    const { token } = (await admin.request('execute', { pipeline: echoPipeline(), args: [] }, 5000)).body;
    expect(token).toMatch(/^tk_/);
    const c = await ctx.authed(token);
    const opened = await c.request('rrext_process', {
      subcommand: 'open',
      object: { name: 'locked.txt' },
      mimeType: 'text/plain',
      token: 'some-other-token',
    });
    expect(opened).toMatchObject({ success: true, body: { pipe_id: 0 } });
    const status = await c.request('rrext_get_task_status', { token: 'nope' });
    expect(status).toMatchObject({ success: true, body: { source: 'webhook_1', state: 3 } });
  });

  it('§14.8 rrext_public_probe works before auth and keeps the connection open', async () => {
    const c = await ctx.connect();
    const res = await c.request('rrext_public_probe', {});
    expect(res).toMatchObject({ type: 'response', command: 'rrext_public_probe', success: true });
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['version', 'capabilities', 'platform', 'apps']));
    expect(Array.isArray(res.body.apps)).toBe(true);
    expect(await c.quietFor(200)).toBe(true);
    expect(c.isOpen).toBe(true);
    // Still usable, and still unauthenticated-but-allowed to authenticate.
    expect((await c.request('auth', { auth: KEY })).success).toBe(true);
  });

  it('§14.9 five auths succeed on one connection; the 6th gets "Too many authentication attempts" and a close', async () => {
    const c = await ctx.connect();
    for (let i = 1; i <= 5; i++) {
      const res = await c.request('auth', { auth: KEY });
      expect(res.success, `auth #${i}`).toBe(true);
    }
    const sixth = await c.request('auth', { auth: KEY });
    expect(sixth).toMatchObject({ success: false, message: 'Too many authentication attempts' });
    await c.waitClosed();
  });

  it('§14.10 deauth answers body:{} (§15.4) and the next rrext_ping gets "Not authenticated" and a close', async () => {
    const c = await ctx.authed();
    const res = await c.request('deauth', {});
    expect(res).toMatchObject({ command: 'deauth', success: true, body: {} });
    expect(res.body).toEqual({});
    const before = c.frames.length;
    c.send({ type: 'request', seq: 99, command: 'rrext_ping' });
    await c.waitClosed();
    expect(c.frames.length - before).toBe(1);
    expect(c.frames[before]!.msg).toMatchObject({ request_seq: 99, success: false, message: 'Not authenticated' });
  });

  it('§14.11 the 11th concurrent unauthenticated connection from one IP is refused; slots free on auth and on close', async () => {
    const held: RawClient[] = [];
    for (let i = 0; i < 10; i++) held.push(await ctx.connect());
    const refused = await RawClient.connect(ctx.engine.uri).then(
      async (c) => {
        // Accepted: record what happened so the failure message says so.
        await c.close();
        return { opened: true, detail: 'upgrade accepted' };
      },
      (err: Error & { statusCode?: number }) => ({ opened: false, detail: err.statusCode ?? err.message }),
    );
    expect(refused.opened, `11th connection: ${refused.detail}`).toBe(false);

    // Authenticating one releases its slot.
    expect((await held[0]!.request('auth', { auth: KEY })).success).toBe(true);
    const twelfth = await ctx.connect();
    expect(twelfth.isOpen).toBe(true);

    // Closing one releases its slot too (the server may notice the close a moment later).
    await held[1]!.close();
    let opened: RawClient | undefined;
    for (let i = 0; i < 20 && !opened; i++) {
      opened = await ctx.connect().catch(() => undefined);
      if (!opened) await new Promise((r) => setTimeout(r, 50));
    }
    expect(opened?.isOpen).toBe(true);
  });
});

describe('connection and auth (no server key)', () => {
  const ctx = useEngine({ apiKey: undefined });

  it('§14.6 without a server key any non-empty credential is accepted and echoed as userToken', async () => {
    const c = await ctx.connect();
    const res = await c.request('auth', { auth: 'anything' });
    expect(res.success).toBe(true);
    expect(res.body.userToken).toBe('anything');
  });
});
