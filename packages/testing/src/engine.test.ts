import { describe, expect, it } from 'vitest';
import { useRawHarness } from './raw-harness.js';
import { CHAT_PIPELINE, ECHO_PIPELINE, RawClient } from './test-client.js';


const h = useRawHarness();

describe('engine basics and inspection', () => {
  it('runs the echo pipeline end to end and records the pipe', async () => {
    await h.start();
    const c = await h.authed();
    const exec = await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    expect(exec.body).toMatchObject({ id: 'T1.webhook_1', token: 'T1', source: 'webhook_1', provider: 'webhook' });
    const open = await c.call('rrext_process', { subcommand: 'open', object: { name: 'a.txt' }, mimeType: 'text/plain', token: 'T1' });
    expect(open.body).toEqual({ pipe_id: 0 });
    for (const s of ['Hello ', 'from ']) {
      const w = await c.call('rrext_process', { subcommand: 'write', pipe_id: 0, token: 'T1', data: Buffer.from(s) });
      expect(w).toMatchObject({ success: true });
      expect(w.body).toBeUndefined();
    }
    const close = await c.call('rrext_process', { subcommand: 'close', pipe_id: 0, token: 'T1' });
    expect(close.body).toEqual({
      name: 'a.txt',
      path: '',
      result_types: { text: 'text' },
      text: ['Hello \n\nfrom \n\n'],
      objectId: '399b271a-bcbe-5653-b4bc-0fcd9c3769bf',
    });
    const [rec] = h.engine.pipes({ token: 'T1' });
    expect(rec).toMatchObject({ pipeId: 0, lane: 'text', writes: 2, state: 'closed', mimeType: 'text/plain' });
    expect(rec!.received.toString()).toBe('Hello from ');
    expect(rec!.bytes).toBe(11);
    expect(rec!.result).toEqual(close.body);
    const status = await c.call('rrext_get_task_status', { token: 'T1' });
    expect(status.body).toMatchObject({ state: 3, totalCount: 1, completedCount: 1, completedSize: 11, name: 'T1.webhook_1.My webhook' });
    expect(h.engine.tasks()).toMatchObject([{ token: 'T1', state: 3, threads: 64 }]);
    expect(h.engine.requests().map((r) => r.command)).toContain('execute');
    expect(h.engine.requests().find((r) => r.arguments.subcommand === 'write')?.dataBytes).toBe(6);
    await c.call('terminate', { token: 'T1' });
    expect(h.engine.tasks()[0]).toMatchObject({ state: 6, exitMessage: 'Task cancelled by request' });
    expect(h.engine.connectionCount()).toBe(1);
  });

  it('locks tk_ and pk_ credentials to their task; pk_ connections get SSE only', async () => {
    await h.start();
    const admin = await h.authed();
    const exec = (await admin.call('execute', { pipeline: CHAT_PIPELINE })).body as { token: string; publicToken: string };
    await admin.call('execute', { pipeline: ECHO_PIPELINE, token: 'OTHER' });
    const tk = await h.authed(exec.token);
    // The credential's task wins over arguments.token.
    expect((await tk.call('rrext_get_task_status', { token: 'OTHER' })).body).toMatchObject({ source: 'chat_1' });
    const pk = await h.authed(exec.publicToken);
    expect(await pk.call('rrext_get_task_status', {})).toMatchObject({ success: false, message: "Permission 'task.monitor' denied" });
    expect(await pk.call('terminate', {})).toMatchObject({ success: false, message: "Permission 'task.control' denied" });
    await pk.call('rrext_monitor', { token: exec.token, types: ['SSE', 'SUMMARY', 'TASK'] });
    const open = await pk.call('rrext_process', {
      subcommand: 'open',
      object: { name: 'Question 1' },
      mimeType: 'application/rocketride-question',
      provider: 'chat',
    });
    const pipeId = (open.body as { pipe_id: number }).pipe_id;
    const q = { type: 'question', questions: [{ text: 'Why?' }], expectJson: false };
    await pk.call('rrext_process', { subcommand: 'write', pipe_id: pipeId, data: Buffer.from(JSON.stringify(q)) });
    const closed = await pk.call('rrext_process', { subcommand: 'close', pipe_id: pipeId });
    expect(closed.body).toMatchObject({ result_types: { answers: 'answers' }, answers: ['Why?'] });
    await pk.next((m) => m.event === 'apaevt_sse' && (m.body as { type: string }).type === 'answer');
    expect(pk.frames.filter((f) => f.type === 'event').every((f) => f.event === 'apaevt_sse')).toBe(true);
    const bad = await RawClient.open(h.engine.uri);
    expect(await bad.call('auth', { auth: 'tk_00000000000000000000000000000000' })).toMatchObject({ message: 'Bad request' });
    bad.close();
  });

  it('emits OUTPUT, FLOW (only with pipelineTraceLevel) and DASHBOARD events to subscribers', async () => {
    await h.start({ apiKey: undefined });
    const watcher = await h.authed('anything');
    await watcher.call('rrext_monitor', { token: '*', types: ['OUTPUT', 'FLOW', 'DASHBOARD'] });
    const c = await h.authed('x');
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'TR', pipelineTraceLevel: 'full' });
    await c.call('execute', { pipeline: { ...ECHO_PIPELINE, project_id: 'p2' }, token: 'NT' });
    for (const token of ['TR', 'NT']) {
      await c.call('rrext_process', { subcommand: 'open', token, object: {}, mimeType: 'text/plain' });
      await c.call('rrext_process', { subcommand: 'write', token, pipe_id: 0, data: Buffer.from('hi') });
      await c.call('rrext_process', { subcommand: 'close', token, pipe_id: 0 });
    }
    await watcher.call('rrext_ping');
    const flows = watcher.events('apaevt_flow').map((f) => f.body as Record<string, unknown>);
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((b) => b.__id === 'TR.webhook_1')).toBe(true);
    expect(flows.map((b) => b.op)).toEqual(expect.arrayContaining(['begin', 'enter', 'end']));
    expect(watcher.events('output').map((f) => (f.body as { __id: string }).__id)).toEqual(['TR.webhook_1', 'NT.webhook_1']);
    const actions = watcher.events('apaevt_dashboard').map((f) => (f.body as { action: string }).action);
    expect(actions).toContain('connection_added');
  });
});

describe('record: false', () => {
  it('counts payload bytes without keeping them, and keeps no request log', async () => {
    await h.start({ apiKey: undefined, record: false });
    const c = await h.authed('x');
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
    await c.call('rrext_process', { subcommand: 'open', token: 'T1', object: {}, mimeType: 'text/plain' });
    await c.call('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from('abc') });
    const closed = await c.call('rrext_process', { subcommand: 'close', token: 'T1', pipe_id: 0 });
    expect(closed.body).toMatchObject({ text: ['abc\n\n'] });
    expect(h.engine.pipes()[0]).toMatchObject({ writes: 1, bytes: 3 });
    expect(h.engine.pipes()[0]!.received.length).toBe(0);
    expect(h.engine.requests()).toEqual([]);
  });
});
