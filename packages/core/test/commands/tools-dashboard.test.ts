import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

describe('getDashboard()', () => {
  it('returns the typed snapshot fed by the real connection and task, without an apikey field', async () => {
    const { client } = await h.connected({}, { clientName: 'dash-client', clientVersion: '9.9' });
    const task = await client.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'DASH' });
    const snapshot = await client.getDashboard();
    expect(snapshot.overview.totalConnections).toBe(1);
    expect(snapshot.overview.activeTasks).toBe(1);
    expect(snapshot.connections).toHaveLength(1);
    expect(snapshot.connections[0]).toMatchObject({ authenticated: true, clientId: 'local', clientInfo: { name: 'dash-client', version: '9.9' } });
    expect(snapshot.connections[0]).not.toHaveProperty('apikey');
    expect(snapshot.tasks.map((t) => t.id)).toEqual([task.id]);
    expect(snapshot.tasks[0]).toMatchObject({ completed: false, status: 'Running', exitCode: null, endTime: null });
  });

  it('a pk_ caller is refused with ERR_DASHBOARD and the engine message', async () => {
    const { client: owner, engine } = await h.connected();
    const task = await owner.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'DASH2' });
    const pk = h.client(engine, { auth: engine.tasks().find((t) => t.token === task.token)!.publicToken });
    await pk.connect();
    const error = await pk.getDashboard().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({ code: 'ERR_DASHBOARD', message: "Permission 'task.monitor' denied" });
  });

  it('bad options are refused before sending', async () => {
    const { client, engine } = await h.connected();
    const error = await client.getDashboard({ signal: 'x' as unknown as AbortSignal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'options.signal must be an AbortSignal' });
    expect(engine.requests().filter((r) => r.command === 'rrext_dashboard')).toEqual([]);
  });
});
