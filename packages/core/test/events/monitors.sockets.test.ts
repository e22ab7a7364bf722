import { type Engine, ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ConnectionError, type RocketRideError } from '../../src/errors/index.js';
import type { RocketRideEvent } from '../../src/schema/events.js';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();
const P = ECHO_PIPELINE.project_id;
const S = ECHO_PIPELINE.source;
const persist = { persist: true, reconnectDelay: 5, maxReconnectDelay: 20 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

/** The requests of `command` the engine received, as `{ connectionId, args }`. */
function sent(engine: Engine, command = 'rrext_monitor') {
  return engine
    .requests()
    .filter((r) => r.command === command)
    .map((r) => ({ connectionId: r.connectionId, args: r.arguments }));
}

function collect(client: RocketRideClient): RocketRideEvent[] {
  const events: RocketRideEvent[] = [];
  client.on('event', (e) => events.push(e));
  return events;
}

/** Starts the echo task from a second client, so `client` has learned nothing about its token. */
async function startElsewhere(engine: Engine, token: string): Promise<void> {
  const other = h.client(engine);
  await other.connect();
  await other.use({ pipeline: ECHO_PIPELINE, token, ttl: 0 });
  await other.disconnect();
}

describe('token and project subscribers of one task share the engine key', () => {
  it('resolves an unknown token first, sends the union, and a remove leaves the other subscriber in place', async () => {
    const { engine, client } = await h.connected();
    await startElsewhere(engine, 'T');
    const events = collect(client);

    await client.addMonitor({ token: 'T' }, ['SUMMARY']);
    await client.addMonitor({ projectId: P, source: S }, ['DETAIL']);
    expect(sent(engine, 'rrext_get_task_status').map((r) => r.args)).toEqual([{ token: 'T' }]);
    expect(sent(engine).map((r) => r.args)).toEqual([
      { token: 'T', types: ['SUMMARY'] },
      { projectId: P, source: S, types: ['SUMMARY', 'DETAIL'] },
    ]);
    expect(engine.monitorCount()).toBe(1);

    // Both subscribers get their events: the project's DETAIL did not replace the token's SUMMARY.
    await client.send('T', 'hello', { name: 'a.txt' }, 'text/plain');
    await until(() => events.some((e) => e.event === 'apaevt_status_object'), 'a DETAIL event');
    await until(
      () => events.filter((e) => e.event === 'apaevt_status_update' && (e.body as { completedCount?: number }).completedCount === 1).length > 0,
      'a SUMMARY event after the send',
    );

    // Removing the token subscriber keeps the project subscriber's types on the engine.
    await client.removeMonitor({ token: 'T' }, ['SUMMARY']);
    expect(sent(engine).at(-1)?.args).toEqual({ projectId: P, source: S, types: ['DETAIL'] });
    expect(engine.monitorCount()).toBe(1);
    const before = events.length;
    await client.send('T', 'again', { name: 'b.txt' }, 'text/plain');
    await until(() => events.slice(before).some((e) => e.event === 'apaevt_status_object'), 'DETAIL after the remove');

    await client.removeMonitor({ projectId: P, source: S }, ['DETAIL']);
    expect(sent(engine).at(-1)?.args).toEqual({ projectId: P, source: S, types: [] });
    expect(engine.monitorCount()).toBe(0);
  });

  it('uses what use() returned (no extra round trip); removing the project subscriber keeps the token one', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    await client.addMonitor({ projectId: P, source: S }, ['TASK']);
    await client.addMonitor({ token: task.token }, ['SUMMARY']);
    await client.addMonitor({ token: task.token }, ['summary']); // ref-counted: nothing to send
    expect(sent(engine, 'rrext_get_task_status')).toEqual([]);
    expect(sent(engine).map((r) => r.args)).toEqual([
      { projectId: P, source: S, types: ['TASK'] },
      { projectId: P, source: S, types: ['TASK', 'SUMMARY'] },
    ]);

    await client.removeMonitor({ projectId: P, source: S }, ['TASK']);
    expect(sent(engine).at(-1)?.args).toEqual({ token: task.token, types: ['SUMMARY'] });
    expect(engine.monitorCount()).toBe(1);
    await client.removeMonitor({ token: task.token }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(1);
    await client.removeMonitor({ token: task.token }, ['SUMMARY']);
    expect(sent(engine).at(-1)?.args).toEqual({ token: task.token, types: [] });
    expect(engine.monitorCount()).toBe(0);
  });

  it('keeps `*` and pipe-scoped keys as engine keys of their own, each with its union', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    await client.addMonitor({ token: task.token }, ['SUMMARY']);
    await client.addMonitor({ projectId: P, source: S, pipeId: 0 }, ['SSE']);
    await client.addMonitor({ token: '*' }, ['TASK']);
    await client.addMonitor({ projectId: P, source: S }, ['OUTPUT']);
    expect(engine.monitorCount()).toBe(3);
    expect(sent(engine).map((r) => r.args)).toEqual([
      { token: task.token, types: ['SUMMARY'] },
      { projectId: P, source: S, pipeId: 0, types: ['SSE'] },
      { token: '*', types: ['TASK'] },
      { projectId: P, source: S, types: ['SUMMARY', 'OUTPUT'] },
    ]);
  });

  it('concurrent subscribers of an unknown token share one resolution', async () => {
    const { engine, client } = await h.connected();
    await startElsewhere(engine, 'T');
    await Promise.all([
      client.addMonitor({ token: 'T' }, ['SUMMARY']),
      client.addMonitor({ token: 'T' }, ['TASK']),
      client.addMonitor({ projectId: P, source: S }, ['DETAIL']),
    ]);
    expect(sent(engine, 'rrext_get_task_status')).toHaveLength(1);
    expect(sent(engine).at(-1)?.args.types).toEqual(['SUMMARY', 'TASK', 'DETAIL']);
    expect(engine.monitorCount()).toBe(1);
  });

  it('an unknown token is refused by the engine (ERR_MONITOR) and leaves nothing registered', async () => {
    const { engine, client } = await h.connected();
    const error = (await client.addMonitor({ token: 'nope' }, ['SUMMARY']).catch((e: unknown) => e)) as RocketRideError;
    expect(error.code).toBe('ERR_MONITOR');
    expect(error.serverMessage).toBe('Your pipeline is not running');
    expect(engine.monitorCount()).toBe(0);
    await client.disconnect();
    await client.connect();
    await client.ping();
    expect(sent(engine).filter((r) => r.connectionId !== sent(engine)[0]?.connectionId)).toEqual([]);
  });

  it('a pk_ connection (no task.monitor) falls back to the token as its own key', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    const pk = h.client(engine, { auth: task.publicToken });
    await pk.connect();
    await pk.addMonitor({ token: task.token }, ['SSE']);
    expect(engine.monitorCount()).toBe(1);
    await pk.removeMonitor({ token: task.token }, ['SSE']);
    expect(engine.monitorCount()).toBe(0);
  });
});

describe('replay and rollback', () => {
  it('the replay after a reconnect sends one rrext_monitor per engine key, with its union', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    await client.addMonitor({ token: task.token }, ['SUMMARY']);
    await client.addMonitor({ projectId: P, source: S }, ['TASK']);
    await client.addMonitor({ projectId: P, source: S, pipeId: 1 }, ['SSE']);
    const first = sent(engine)[0]?.connectionId;
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client.generation === 2 && engine.monitorCount() === 2, 'the replay');
    await client.ping();
    const replayed = sent(engine).filter((r) => r.connectionId !== first).map((r) => r.args);
    expect(replayed).toEqual([
      { projectId: P, source: S, types: ['SUMMARY', 'TASK'] },
      { projectId: P, source: S, pipeId: 1, types: ['SSE'] },
    ]);
  });

  it('an aborted add rejects with ERR_ABORTED, is undone, and the engine is told the remaining union', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    await client.addMonitor({ projectId: P, source: S }, ['TASK']);
    engine.faults.withholdResponse('rrext_monitor', { times: 1 });
    const controller = new AbortController();
    const adding = client.addMonitor({ token: task.token }, ['SUMMARY'], { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => sent(engine).length === 2, 'the request');
    controller.abort();
    expect(((await adding) as RocketRideError).code).toBe('ERR_ABORTED');
    // The engine may have applied the aborted union: the client re-sends what is still wanted.
    await until(() => sent(engine).length === 3, 'the re-sync');
    expect(sent(engine).at(-1)?.args).toEqual({ projectId: P, source: S, types: ['TASK'] });
    await client.removeMonitor({ projectId: P, source: S }, ['TASK']);
    expect(engine.monitorCount()).toBe(0);
  });
});

describe('a connection lost during addMonitor', () => {
  it('persist mode: the add resolves, is kept and is replayed after the reconnect', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    const events = collect(client);
    engine.faults.closeAfterFrames(1); // the rrext_monitor frame itself kills the socket, unprocessed
    await client.addMonitor({ token: task.token }, ['SUMMARY']);
    await until(() => client.generation === 2 && engine.monitorCount() === 1, 'the reconnect and the replay');
    const monitors = sent(engine);
    expect(monitors).toHaveLength(1); // the dropped frame never reached the handler; this is the replay
    expect(monitors[0]?.args).toEqual({ token: task.token, types: ['SUMMARY'] });
    await until(() => events.some((e) => e.event === 'apaevt_status_update'), 'the replayed catch-up');
    await client.removeMonitor({ token: task.token }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(0);
  });

  it('persist mode: a drop during the token resolution is kept too, and resolved during the replay', async () => {
    const { engine, client } = await h.connected({}, persist);
    await startElsewhere(engine, 'T');
    engine.faults.closeAfterFrames(1); // kills the rrext_get_task_status frame
    await client.addMonitor({ token: 'T' }, ['SUMMARY']);
    await until(() => client.generation === 2 && engine.monitorCount() === 1, 'the reconnect and the replay');
    expect(sent(engine).map((r) => r.args)).toEqual([{ token: 'T', types: ['SUMMARY'] }]);
    // The token is now bound to the task's key: a project subscriber merges with it.
    await client.addMonitor({ projectId: P, source: S }, ['TASK']);
    expect(sent(engine).at(-1)?.args).toEqual({ projectId: P, source: S, types: ['SUMMARY', 'TASK'] });
    expect(engine.monitorCount()).toBe(1);
  });

  it('without persist mode: the add rejects with ERR_CONNECTION_LOST and is not replayed on the next connect', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    engine.faults.closeAfterFrames(1);
    const error = await client.addMonitor({ token: task.token }, ['SUMMARY']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ERR_CONNECTION_LOST');
    await client.connect();
    await client.ping();
    expect(sent(engine)).toEqual([]);
    expect(engine.monitorCount()).toBe(0);
  });

  it('disconnect() during the add rolls it back', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    engine.faults.withholdResponse('rrext_monitor', { times: 1 });
    const adding = client.addMonitor({ token: task.token }, ['SUMMARY']).catch((e: unknown) => e);
    await until(() => sent(engine).length === 1, 'the request');
    await client.disconnect();
    expect(((await adding) as RocketRideError).code).toBe('ERR_DISCONNECTED');
    await client.connect();
    await client.ping();
    expect(sent(engine)).toHaveLength(1);
  });
});
