import { describe, expect, it } from 'vitest';
import { connection$ } from './connection.js';
import { events$ } from './events.js';
import { ofType } from './of-type.js';
import { sse$ } from './sse.js';
import { status$ } from './status.js';
import { task$ } from './task.js';
import { CHAT_PIPELINE, footprint, monitorRequests, until, useEngines } from './test-support.js';

const h = useEngines();
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('nothing outlives its last subscriber', () => {
  it('listeners, shared streams, server subscriptions and timers all go after the grace period', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: CHAT_PIPELINE });
    const before = footprint(client);
    const timersBefore = timers();
    expect(before).toEqual({ connected: 0, disconnected: 0, reconnecting: 0, connectError: 0, event: 0, protocolError: 0, shared: 0 });

    const graceMs = 20;
    const subs = [
      events$(client, { token: task.token }, { graceMs }).subscribe(),
      events$(client, { token: task.token }, { graceMs }).pipe(ofType('apaevt_status_update')).subscribe(),
      events$(client, { token: '*', types: ['TASK', 'DASHBOARD'] }, { graceMs }).subscribe(),
      events$(client, { projectId: CHAT_PIPELINE.project_id, source: '*', types: ['OUTPUT'] }, { graceMs }).subscribe(),
      status$(client, task.token, { graceMs }).subscribe(),
      status$(client, task.token, { graceMs }).subscribe(),
      task$(client, task.token, { graceMs }).subscribe(),
      sse$(client, task.token, 0, { graceMs }).subscribe(),
      connection$(client).subscribe(),
      connection$(client).subscribe(),
    ];
    await client.chat({ token: task.token, question: 'anything' });
    await until(() => engine.monitorCount() === 3, 'the subscriptions'); // p.<project>.chat_1 (token), '*', p.<project>.*
    expect(footprint(client).event).toBeGreaterThan(0);
    expect(footprint(client).connected).toBe(1); // connection$ is shared
    for (const s of subs) s.unsubscribe();

    await until(() => engine.monitorCount() === 0 && footprint(client).shared === 0, 'everything to be released');
    await client.ping(); // every remove has been answered
    expect(footprint(client)).toEqual(before);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    // One add and one remove per server key change: token key types grow and shrink, never duplicated.
    const last = new Map<string, unknown>();
    for (const r of monitorRequests(engine)) last.set(JSON.stringify({ ...r.args, types: undefined }), r.args.types);
    expect([...last.values()]).toEqual([[], [], []]);
  });
});
