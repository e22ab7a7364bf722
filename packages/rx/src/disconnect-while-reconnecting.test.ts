import { RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connection$, type ConnectionState } from './connection.js';
import { events$ } from './events.js';

/** The echo pipeline under a project of this file's own. */
const PIPELINE = { ...ECHO_PIPELINE, project_id: '4f1d6c3e-2b8a-4e51-a0f7-9c2d5b6e7a10' };

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
afterEach(async () => {
  await client?.disconnect().catch(() => {});
  await engine?.close();
  client = undefined;
  engine = undefined;
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** A persist-mode client subscribed to a task's events, whose socket the engine then drops. */
async function subscribedThenDropped(reconnectDelay: number, beforeDrop: (e: Engine) => void = () => {}) {
  engine = await startEngine();
  client = new RocketRideClient({ uri: engine.uri, auth: 'K', env: {}, persist: true, reconnectDelay, maxReconnectDelay: reconnectDelay });
  await client.connect();
  const task = await client.use({ pipeline: PIPELINE, token: `dr-${process.pid}-${reconnectDelay}` });
  const ends: string[] = [];
  const states: ConnectionState[] = [];
  const sub = events$(client, { token: task.token, types: ['SUMMARY'] }).subscribe({
    error: (e: { code?: string }) => ends.push(`error:${e.code}`),
    complete: () => ends.push('complete'),
  });
  const conn = connection$(client).subscribe((s) => states.push(s));
  const e = engine;
  await until(() => e.monitorCount() > 0, 'the subscription');
  beforeDrop(e);
  e.faults.closeAfterFrames(1);
  client.ping().catch(() => {});
  return { ends, states, sub, conn, engine: e, client };
}

describe('disconnect() while a persist-mode client is reconnecting', () => {
  it('during the backoff wait: events$ completes and connection$ reports disconnected', async () => {
    const fx = await subscribedThenDropped(60_000);
    await until(() => fx.client.getConnectionInfo().state === 'reconnecting', 'the reconnect wait');
    await fx.client.disconnect();
    await until(() => fx.ends.length > 0, 'the end of events$');
    expect(fx.ends).toEqual(['complete']);
    expect(fx.states.at(-1)?.state).toBe('disconnected');
    fx.conn.unsubscribe();
  });

  it('during a reconnect attempt: events$ completes (not an AbortError) and connection$ reports disconnected', async () => {
    const fx = await subscribedThenDropped(5, (e) => e.faults.withholdResponse('auth'));
    await until(() => fx.engine.requests().filter((r) => r.command === 'auth').length >= 2, 'the re-auth attempt');
    await fx.client.disconnect();
    await until(() => fx.ends.length > 0, 'the end of events$');
    expect(fx.ends).toEqual(['complete']);
    expect(fx.states.at(-1)?.state).toBe('disconnected');
    fx.conn.unsubscribe();
  });
});
