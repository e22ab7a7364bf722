import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from './server.js';
import { ECHO_PIPELINE, RawClient } from './test-client.js';
import type { Engine } from './types.js';

let engine: Engine | undefined;
const clients: RawClient[] = [];

async function client(key = 'K'): Promise<RawClient> {
  const c = await RawClient.authed(engine!.uri, key);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await engine?.close();
  engine = undefined;
});

describe('engine basics and inspection', () => {
  it('runs the echo pipeline end to end and records the pipe', async () => {
    engine = await startEngine({ apiKey: 'K' });
    const c = await client();
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
    const [rec] = engine.pipes({ token: 'T1' });
    expect(rec).toMatchObject({ pipeId: 0, lane: 'text', writes: 2, state: 'closed', mimeType: 'text/plain' });
    expect(rec!.received.toString()).toBe('Hello from ');
    expect(rec!.result).toEqual(close.body);
    const status = await c.call('rrext_get_task_status', { token: 'T1' });
    expect(status.body).toMatchObject({ state: 3, totalCount: 1, completedCount: 1, completedSize: 11, name: 'T1.webhook_1.My webhook' });
    expect(engine.tasks()).toMatchObject([{ token: 'T1', state: 3, threads: 64 }]);
    expect(engine.requests().map((r) => r.command)).toContain('execute');
    expect(engine.requests().find((r) => r.arguments.subcommand === 'write')?.dataBytes).toBe(6);
    await c.call('terminate', { token: 'T1' });
    expect(engine.tasks()[0]).toMatchObject({ state: 6, exitMessage: 'Task cancelled by request' });
    expect(engine.connectionCount()).toBe(1);
  });
});
