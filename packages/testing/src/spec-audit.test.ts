import { describe, expect, it } from 'vitest';
import { useRawHarness } from './raw-harness.js';
import { connectResult } from './auth.js';
import { CHAT_PIPELINE, ECHO_PIPELINE, } from './test-client.js';

const h = useRawHarness({ apiKey: 'K', env: {} });

const question = (text: string) => Buffer.from(JSON.stringify({ type: 'question', questions: [{ text }] }));

describe('auth (PROTOCOL.md §2)', () => {
  it('answers with exactly the OSS ConnectResult keys, userToken = the credential', async () => {
    await h.start();
    const c = await h.opened();
    const r = await c.call('auth', { auth: 'Bearer K', clientName: 'n', clientVersion: '1' });
    const body = r.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'userToken', 'userId', 'displayName', 'givenName', 'familyName', 'preferredUsername', 'email', 'emailVerified',
        'phoneNumber', 'phoneNumberVerified', 'locale', 'defaultTeam', 'organizations', 'apps', 'capabilities',
      ].sort(),
    );
    expect(body).toEqual(connectResult('K'));
    expect(JSON.stringify(body)).not.toContain('Bearer');
  });

  it('re-authenticates an authenticated connection; a failed re-auth closes it with 1000 after in-flight handlers', async () => {
    await h.start();
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    expect((await c.call('auth', { auth: 'K' })).success).toBe(true);
    h.engine.faults.delayResponse('rrext_ping', 50, { times: 1 });
    const ping = c.send('rrext_ping');
    const bad = await c.call('auth', { auth: 'wrong' });
    expect(bad).toMatchObject({ success: false, message: 'Invalid API key' });
    // The ping was in flight when the auth failed: it is still answered, then the socket closes with 1000.
    expect(await c.next((m) => m.request_seq === ping)).toMatchObject({ success: true, body: { pong: true } });
    expect(await c.closed).toEqual({ code: 1000 });
  });

  it('deauth answers body {} and returns the connection to the unauthenticated gate', async () => {
    await h.start();
    const c = await h.authed();
    const r = await c.call('deauth');
    expect(r).toMatchObject({ success: true, body: {} });
    expect((await c.call('rrext_public_probe')).success).toBe(true);
    expect((await c.call('rrext_ping')).message).toBe('Not authenticated');
    expect((await c.closed).code).toBe(1000);
  });
});

describe('envelope (PROTOCOL.md §4)', () => {
  it('silently ignores frames of type response or event after auth', async () => {
    await h.start();
    const c = await h.authed();
    c.ws.send(JSON.stringify({ type: 'response', seq: 50, request_seq: 1, command: 'rrext_ping', success: true }));
    c.ws.send(JSON.stringify({ type: 'event', seq: 51, event: 'apaevt_task', body: {} }));
    const r = await c.call('rrext_ping');
    expect(r.success).toBe(true);
    expect(c.frames.filter((f) => f.request_seq === 50 || f.request_seq === 51)).toHaveLength(0);
    expect(c.frames).toHaveLength(2);
  });

  it('rejects commands named after internal handler methods', async () => {
    await h.start();
    const c = await h.authed();
    for (const name of ['receive', 'connected', 'disconnected', 'event']) {
      expect((await c.call(name, { token: 'x' })).message).toBe(`Invalid command: ${name}`);
    }
  });
});

describe('monitor (PROTOCOL.md §5.8, §7)', () => {
  it('accepts the legacy listenType int and refuses token with project ("…, not both")', async () => {
    await h.start();
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    const r = await c.call('rrext_monitor', { token: 'T1', listenType: 4 });
    expect(r.success).toBe(true);
    expect(c.events('apaevt_status_update')).toHaveLength(1);
    const both = await c.call('rrext_monitor', { token: 'T1', projectId: 'p', source: 's', types: ['SUMMARY'] });
    expect(both.message).toBe('You must specifiy either token or project_id/source, not both');
  });

  it('delivers an event once per subscriber even when several keys match, and DASHBOARD only to "*"', async () => {
    await h.start();
    const c = await h.authed();
    await c.call('rrext_monitor', { token: '*', types: ['TASK'] });
    await c.call('rrext_monitor', { projectId: ECHO_PIPELINE.project_id, source: '*', types: ['TASK', 'DASHBOARD'] });
    await c.call('rrext_monitor', { projectId: ECHO_PIPELINE.project_id, source: 'webhook_1', types: ['TASK'] });
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    expect(c.events('apaevt_task').filter((e) => (e.body as { action: string }).action === 'begin')).toHaveLength(1);
    const other = await h.opened();
    await other.call('auth', { auth: 'K' });
    await c.call('rrext_ping');
    expect(c.events('apaevt_dashboard')).toHaveLength(0);
  });

  it('removes the subscriptions of a task when its record is cleaned up', async () => {
    await h.start({ timing: { ttlScanMs: 20, retentionMs: 0 } });
    const c = await h.authed();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    await c.call('rrext_monitor', { token: 'T1', types: ['SSE'], pipeId: 0 });
    await c.call('rrext_monitor', { token: '*', types: ['TASK'] });
    expect(h.engine.monitorCount()).toBe(3);
    await c.call('terminate', { token: 'T1' });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (h.engine.tasks().length === 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    expect(h.engine.monitorCount()).toBe(1);
  });

  it('gives a pk_ connection SSE events only', async () => {
    await h.start();
    const admin = await h.authed();
    const exec = (await admin.call('execute', { pipeline: CHAT_PIPELINE, token: 'C1', args: [] })).body as { publicToken: string };
    const pk = await h.authed(exec.publicToken);
    expect((await pk.call('rrext_monitor', { token: 'C1', types: ['ALL'] })).success).toBe(true);
    const open = await pk.call('rrext_process', {
      subcommand: 'open',
      object: { name: 'q' },
      mimeType: 'application/rocketride-question',
      token: 'C1',
    });
    const pipe = (open.body as { pipe_id: number }).pipe_id;
    await pk.call('rrext_process', { subcommand: 'write', pipe_id: pipe, token: 'C1', data: question('hi') });
    await pk.call('rrext_process', { subcommand: 'close', pipe_id: pipe, token: 'C1' });
    const events = pk.frames.filter((f) => f.type === 'event').map((f) => f.event);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events)).toEqual(new Set(['apaevt_sse']));
  });
});

describe('event ordering (PROTOCOL.md §6.7)', () => {
  it('with eventLagMs, SSE events still all arrive, possibly after the close response', async () => {
    await h.start({ eventLagMs: 30 });
    const c = await h.authed();
    await c.call('execute', { pipeline: CHAT_PIPELINE, token: 'C1', args: [] });
    await c.call('rrext_monitor', { token: 'C1', types: ['SSE'] });
    const open = await c.call('rrext_process', {
      subcommand: 'open',
      object: { name: 'q' },
      mimeType: 'application/rocketride-question',
      token: 'C1',
    });
    await c.call('rrext_process', { subcommand: 'write', pipe_id: 0, token: 'C1', data: question('hello') });
    const close = await c.call('rrext_process', { subcommand: 'close', pipe_id: 0, token: 'C1' });
    expect(open.body).toEqual({ pipe_id: 0 });
    expect((close.body as { answers: unknown[] }).answers).toEqual(['hello']);
    await c.next((m) => m.event === 'apaevt_sse' && (m.body as { type: string }).type === 'answer');
    await c.next((m) => m.event === 'apaevt_sse' && (m.body as { type: string }).type === 'thinking');
    expect(c.events('apaevt_sse')).toHaveLength(2);
  });
});
