import { AuthenticationError, type RocketRideEvent } from '@rocketride-streams/core';
import { startEngine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { connection$, type ConnectionState } from './connection.js';
import { events$ } from './events.js';
import { ECHO_PIPELINE, footprint, monitorRequests, until, useEngines } from './test-support.js';

const h = useEngines();
const persist = { persist: true, reconnectDelay: 5, maxReconnectDelay: 20 };

/** Drops the client's socket: the engine terminates the connection on the next frame it receives. */
async function dropSocket(engine: { faults: { closeAfterFrames(n: number): void } }, client: { ping(): Promise<void> }) {
  engine.faults.closeAfterFrames(1);
  await client.ping().catch(() => {});
}

describe('reconnect (persist mode)', () => {
  it('replays the subscription on the new connection, keeps the stream open and never delivers a frame twice', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    const got: Array<{ generation: number; event: RocketRideEvent }> = [];
    const states: ConnectionState['state'][] = [];
    let ended: unknown;
    const conn = connection$(client).subscribe((s) => states.push(s.state));
    const sub = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({
      next: (event) => got.push({ generation: client.generation, event }),
      error: (e) => (ended = e),
      complete: () => (ended = 'complete'),
    });
    await until(() => got.length === 1, 'the catch-up');

    await dropSocket(engine, client);
    await until(() => client.generation === 2 && got.length === 2, 'the reconnect and the replayed catch-up');
    const replays = monitorRequests(engine);
    expect(replays).toHaveLength(2);
    expect(replays[1]?.connectionId).not.toBe(replays[0]?.connectionId);
    expect(replays[1]?.args).toEqual({ token: task.token, types: ['SUMMARY'] });

    // Live events keep flowing on the new connection, each frame once.
    await client.send(task.token, 'after the gap', { name: 'x.txt' }, 'text/plain');
    await client.terminate(task.token);
    await until(() => got.some((g) => (g.event.body as { completed?: boolean }).completed === true), 'the final status');
    const frames = got.map((g) => g.event);
    expect(new Set(frames).size).toBe(frames.length);
    const ids = got.map((g) => `${g.generation}:${g.event.seq}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(got[0]?.generation).toBe(1);
    expect(got.slice(1).every((g) => g.generation === 2)).toBe(true);
    expect(ended).toBeUndefined();
    expect(states.slice(0, 4)).toEqual(['connected', 'disconnected', 'reconnecting', 'connected']);

    sub.unsubscribe();
    conn.unsubscribe();
    await until(() => engine.monitorCount() === 0, 'the remove');
  });

  it('survives an engine restart on the same port (several failed attempts are transient)', async () => {
    const first = await h.engine();
    const client = h.client(first, persist);
    await client.connect();
    const task = await client.use({ pipeline: ECHO_PIPELINE, token: 'restart-me' });
    let ended: unknown;
    const got: RocketRideEvent[] = [];
    const sub = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({
      next: (e) => got.push(e),
      error: (e) => (ended = e),
    });
    await until(() => got.length === 1, 'the catch-up');
    const port = first.port;
    await first.close();
    await until(() => client.getConnectionInfo().state === 'reconnecting', 'the loss');
    // OSS mode (no key set): any credential works, so the helper's auth can be told from the client's.
    const second = await startEngine({ port });
    // The task is gone with the old engine and must be running again before the client replays its
    // subscription. The client sends nothing before its auth reply, so holding that reply back (the
    // auth itself is accepted at once) orders the two deterministically, however loaded the machine.
    second.faults.delayResponse((r) => r.command === 'auth' && r.arguments.auth === 'K', 1500, { times: 1 });
    try {
      const helper = h.client(second, { auth: 'helper' });
      await helper.connect();
      await helper.use({ pipeline: ECHO_PIPELINE, token: 'restart-me' });
      await until(() => got.length === 2, 'the replayed subscription');
      expect(monitorRequests(second).filter((r) => r.args.token === 'restart-me')).toHaveLength(1);
      expect(ended).toBeUndefined();
      sub.unsubscribe();
      await until(() => second.monitorCount() === 0, 'the remove');
      await client.disconnect();
    } finally {
      await second.close();
    }
  });

  it('an add cut off by a drop is kept by core and goes out with the replay', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    engine.faults.closeAfterFrames(1); // the rrext_monitor frame itself kills the socket
    const got: RocketRideEvent[] = [];
    let ended: unknown;
    const sub = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({
      next: (e) => got.push(e),
      error: (e) => (ended = e),
    });
    await until(() => client.generation === 2 && got.length === 1, 'the reconnect and the catch-up');
    expect(ended).toBeUndefined();
    const sent = monitorRequests(engine);
    expect(sent).toHaveLength(1); // the first frame was dropped unprocessed; this is the replay
    expect(sent[0]?.args).toEqual({ token: task.token, types: ['SUMMARY'] });
    sub.unsubscribe();
    await until(() => engine.monitorCount() === 0, 'the remove');
  });

  it('errors with AuthenticationError when the re-auth is rejected (terminal)', async () => {
    const { engine, client } = await h.connected({}, persist);
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const before = footprint(client);
    let error: unknown;
    const states: ConnectionState[] = [];
    const conn = connection$(client).subscribe((s) => states.push(s));
    events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({ error: (e) => (error = e) });
    await until(() => engine.monitorCount() === 1, 'the subscription');
    client.setConnectionParams({ auth: 'wrong' });
    await dropSocket(engine, client);
    await until(() => error !== undefined, 'the terminal error');
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(states.at(-1)).toMatchObject({ state: 'disconnected', hasError: true, error });
    conn.unsubscribe();
    expect(footprint(client)).toEqual(before);
  });
});

describe('terminal ends without persist mode', () => {
  it('disconnect() completes the stream; teardown after the client is closed does not throw', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    const before = footprint(client);
    let completed = false;
    const a = events$(client, { token: task.token, types: ['SUMMARY'] }).subscribe({ complete: () => (completed = true) });
    await until(() => engine.monitorCount() === 1, 'the subscription');
    await client.disconnect();
    expect(completed).toBe(true);
    expect(() => a.unsubscribe()).not.toThrow();
    // Subscribing while disconnected waits for a connect; tearing it down is harmless.
    const b = events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe();
    expect(() => b.unsubscribe()).not.toThrow();
    await until(() => footprint(client).shared === 0, 'the shared streams to go');
    expect(footprint(client)).toEqual(before);
  });

  it('a lost socket errors the stream with ERR_CONNECTION_LOST', async () => {
    const { engine, client } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE });
    let error: { code?: string } | undefined;
    events$(client, { token: task.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({ error: (e) => (error = e) });
    await until(() => engine.monitorCount() === 1, 'the subscription');
    await dropSocket(engine, client);
    await until(() => error !== undefined, 'the error');
    expect(error?.code).toBe('ERR_CONNECTION_LOST');
  });
});
