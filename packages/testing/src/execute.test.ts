import { describe, expect, it } from 'vitest';
import { useRawHarness } from './raw-harness.js';
import { ECHO_PIPELINE, type RawClient } from './test-client.js';
import type { EngineOptions } from './types.js';

const h = useRawHarness({ apiKey: 'K', env: {} });

/** An engine started with `options`, and a raw client authenticated on it. */
async function connect(options: EngineOptions = {}): Promise<RawClient> {
  await h.start(options);
  return h.authed();
}

/** The echo pipeline with placeholders in the response node's config. */
const withPlaceholders = (config: Record<string, unknown>) => ({
  ...ECHO_PIPELINE,
  components: ECHO_PIPELINE.components.map((c) => (c.id === 'response_1' ? { ...c, config } : c)),
});

describe('execute (PROTOCOL.md §5.2)', () => {
  it('keeps only ROCKETRIDE_* env entries, merges them over the server env, and substitutes placeholders', async () => {
    const c = await connect({ env: { ROCKETRIDE_A: 'server-a', ROCKETRIDE_B: 'server-b', OTHER: 'x' } });
    const pipeline = withPlaceholders({
      a: '${ROCKETRIDE_A}',
      b: 'b=${ROCKETRIDE_B}',
      other: '${OTHER}',
      home: '${HOME}/x',
      unknown: '${ROCKETRIDE_NOPE}',
      list: ['${ROCKETRIDE_A}', 1],
    });
    const r = await c.call('execute', {
      pipeline,
      token: 'T1',
      args: [],
      env: { ROCKETRIDE_A: 'client-a', OTHER: 'client-other', ROCKETRIDE_NUM: 5 },
    });
    expect(r.success).toBe(true);
    const task = h.engine.tasks()[0]!;
    const config = (task.enginePipeline.components as { id: string; config: unknown }[]).find((x) => x.id === 'response_1')!
      .config;
    expect(config).toEqual({
      a: 'client-a',
      b: 'b=server-b',
      other: '<REDACTED>',
      home: '<REDACTED>/x',
      unknown: '${ROCKETRIDE_NOPE}',
      list: ['client-a', 1],
    });
    // rrext_get_pipeline returns the stored pipeline, placeholders unresolved.
    const got = await c.call('rrext_get_pipeline', { token: 'T1' });
    const stored = (got.body as { pipeline: { components: { id: string; config: unknown }[] } }).pipeline;
    expect(stored.components.find((x) => x.id === 'response_1')!.config).toEqual(pipeline.components[1]!.config);
  });

  it('stores the pipeline with the source written in and config {} added, without the engine defaults', async () => {
    const c = await connect();
    const pipeline = {
      project_id: 'p1',
      components: [
        { id: 'src', provider: 'webhook' },
        // Every other component needs a config object: the engine refuses one without (the server adds it to the source only).
        { id: 'response_1', provider: 'response', config: {}, input: [{ lane: 'text', from: 'src' }] },
      ],
    };
    const r = await c.call('execute', { pipeline, token: 'T1', source: 'src', args: [] });
    expect(r.success).toBe(true);
    const got = await c.call('rrext_get_pipeline', { token: 'T1' });
    const stored = (got.body as { pipeline: { source: string; components: Record<string, unknown>[] } }).pipeline;
    expect(stored.source).toBe('src');
    expect(stored.components[0]).toEqual({ id: 'src', provider: 'webhook', config: {} });
    const engineSource = (h.engine.tasks()[0]!.enginePipeline.components as Record<string, unknown>[])[0];
    expect(engineSource).toMatchObject({ config: { mode: 'Source', type: 'webhook' } });
  });

  it('resolves the source after placeholder substitution', async () => {
    const c = await connect({ env: { ROCKETRIDE_SRC: 'webhook_1' } });
    const r = await c.call('execute', { pipeline: { ...ECHO_PIPELINE, source: '${ROCKETRIDE_SRC}' }, token: 'T1', args: [] });
    expect(r.body).toMatchObject({ source: 'webhook_1', id: 'T1.webhook_1' });
  });

  it('answers a pipeline that is not an object with the Python attribute error of its type', async () => {
    const c = await connect();
    expect((await c.call('execute', { token: 'T1', args: [] })).message).toBe("'NoneType' object has no attribute 'get'");
    expect((await c.call('execute', { pipeline: 'x', args: [] })).message).toBe("'str' object has no attribute 'get'");
    expect((await c.call('execute', { pipeline: [], args: [] })).message).toBe("'list' object has no attribute 'get'");
    expect((await c.call('execute', { pipeline: 3, args: [] })).message).toBe("'int' object has no attribute 'get'");
  });

  it('names the task <token8>.<source>.<source component name> without a name argument (§15.8)', async () => {
    const c = await connect();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'ABCDEFGHIJ', args: [] });
    const status = await c.call('rrext_get_task_status', { token: 'ABCDEFGHIJ' });
    const source = ECHO_PIPELINE.components[0] as { name?: string; id: string };
    expect((status.body as { name: string }).name).toBe(`ABCDEFGH.webhook_1.${source.name ?? source.id}`);
  });
});

describe('restart (PROTOCOL.md §5.12)', () => {
  it('runs the given pipeline under the same token, keeping the original project and source', async () => {
    const c = await connect();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    const replacement = {
      ...ECHO_PIPELINE,
      project_id: 'other-project',
      description: 'second',
    };
    const r = await c.call('restart', { token: 'T1', pipeline: replacement });
    expect(r.success).toBe(true);
    const got = await c.call('rrext_get_pipeline', { token: 'T1' });
    expect((got.body as { pipeline: Record<string, unknown> }).pipeline).toMatchObject({
      project_id: ECHO_PIPELINE.project_id,
      source: 'webhook_1',
      description: 'second',
    });
    expect(h.engine.tasks()[0]).toMatchObject({ projectId: ECHO_PIPELINE.project_id, state: 3 });
  });

  it('looks the token up literally: "*" is not a task', async () => {
    const c = await connect();
    await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1', args: [] });
    const r = await c.call('restart', { token: '*', pipeline: ECHO_PIPELINE });
    expect(r).toMatchObject({ success: false, message: 'Your pipeline is not running' });
  });
});
