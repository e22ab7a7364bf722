import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

describe('official SDK task helpers and argument forms', () => {
  it('getTaskToken / getTaskPipeline / getTasks (rrext_get_token, rrext_get_pipeline, rrext_get_tasks)', async () => {
    const { client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T1' });
    expect(await client.getTaskToken({ projectId: ECHO_PIPELINE.project_id, source: 'webhook_1' })).toBe('T1');
    expect(await client.getTaskPipeline('T1')).toMatchObject({ source: 'webhook_1', components: expect.any(Array) });
    const tasks = await client.getTasks();
    expect(tasks.map((t) => t.token)).toEqual(['T1']);
    await expect(client.getTaskPipeline('nope')).rejects.toMatchObject({ code: 'ERR_TASK_PIPELINE', serverMessage: 'Your pipeline is not running' });
  });

  it('restart() without a token looks it up from projectId/source and sends it', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T1' });
    await client.restart({ projectId: ECHO_PIPELINE.project_id, source: 'webhook_1', pipeline: ECHO_PIPELINE });
    const restart = engine.requests().find((r) => r.command === 'restart')!;
    expect(restart.arguments.token).toBe('T1');
  });

  it('use({ env, teamId }): caller env laid over the forwarded ROCKETRIDE_* values, teamId sent', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { env: { ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_A: '1', ROCKETRIDE_B: '2' } });
    await client.connect();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T', env: { ROCKETRIDE_B: 'override', ROCKETRIDE_C: '3' }, teamId: 'local' });
    const execute = engine.requests().find((r) => r.command === 'execute')!;
    expect(execute.arguments.env).toEqual({ ROCKETRIDE_A: '1', ROCKETRIDE_B: 'override', ROCKETRIDE_C: '3' });
    expect(execute.arguments.teamId).toBe('local');
  });

  it("validate({ pipeline, source }) (the TS SDK's form) sends the source", async () => {
    const { engine, client } = await h.connected();
    await client.validate({ pipeline: ECHO_PIPELINE, source: 'webhook_1' });
    const validate = engine.requests().find((r) => r.command === 'rrext_validate')!;
    expect(validate.arguments).toEqual({ pipeline: ECHO_PIPELINE, source: 'webhook_1' });
  });

  it('ping(token) sends the token as the SDK does and still resolves', async () => {
    const { engine, client } = await h.connected();
    await expect(client.ping('T')).resolves.toBeUndefined();
    const ping = engine.requests().find((r) => r.command === 'rrext_ping')!;
    expect(ping.arguments).toEqual({ token: 'T' });
  });
});
