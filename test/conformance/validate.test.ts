/**
 * The simulator validates like the engine (issue 13; PROTOCOL.md §5.10, §5.2 step 9): `rrext_validate` returns the
 * engine's answer, the resolved `pipeline` plus `errors`/`warnings` only when non-empty, and `execute` of a pipeline
 * the engine refuses fails before RUNNING with the engine's message.
 */
import { describe, expect, it } from 'vitest';
import { ECHO_PROJECT, PROFILES, chatPipeline, echoPipeline, useEngine } from './helpers/env.js';
import type { Msg } from './helpers/raw-client.js';

/** The pipeline of the official SDK's "invalid pipeline configuration" test: a lone component of an unknown provider. */
const unknownProviderPipeline = (): Msg => ({
  components: [{ id: 'invalid_1', provider: 'nonexistent_provider', config: {} }],
  source: 'invalid_1',
  project_id: ECHO_PROJECT,
});

describe.each(PROFILES)('validation like the engine (%s)', (profile) => {
  const ctx = useEngine({ profile });

  it('a valid pipeline: the resolved pipeline (version, source defaults, chain), no errors or warnings keys', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_validate', { pipeline: echoPipeline() });
    expect(res).toMatchObject({ command: 'rrext_validate', success: true });
    expect(Object.keys(res.body).sort()).toEqual(['pipeline', 'version']);
    expect(res.body.version).toBe(1);
    expect(res.body.pipeline).toMatchObject({ ...echoPipeline(), version: 1, chain: ['webhook_1', 'response_1'] });
    const implied = echoPipeline();
    delete implied.source;
    const viaMode = await c.request('rrext_validate', { pipeline: implied });
    expect(viaMode.body.pipeline.source).toBe('webhook_1');
    expect(viaMode.body).not.toHaveProperty('errors');
    const wrapped = await c.request('rrext_validate', { pipeline: { pipeline: echoPipeline() }, source: 'webhook_1' });
    expect(wrapped.body.pipeline.chain).toEqual(['webhook_1', 'response_1']);
  });

  it('an unknown provider is dropped, so a source naming it is an error with the engine message', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_validate', { pipeline: unknownProviderPipeline() });
    expect(res.success).toBe(true);
    expect(res.body.errors).toEqual([{ message: "'pipeline.source' references unknown component id: invalid_1" }]);
    expect(res.body).not.toHaveProperty('warnings');
    expect(res.body.pipeline.components).toEqual(unknownProviderPipeline().components);
  });

  it('a link from a dropped component, a missing source, a missing config and a duplicate id are errors', async () => {
    const c = await ctx.authed();
    const check = async (pipeline: Msg, message: string) => {
      const res = await c.request('rrext_validate', { pipeline });
      expect(res.body.errors, JSON.stringify(res.body)).toEqual([{ message }]);
    };
    const linked = echoPipeline();
    linked.components.splice(1, 0, { id: 'llm_x', provider: 'llm_nowhere', config: {}, input: [{ lane: 'text', from: 'webhook_1' }] });
    linked.components[2].input = [{ lane: 'text', from: 'llm_x' }];
    await check(linked, 'Component response_1 input references unknown component id: llm_x');
    await check({ ...echoPipeline(), source: 'missing' }, "'pipeline.source' references unknown component id: missing");
    const noConfig = echoPipeline();
    delete noConfig.components[1].config;
    await check(noConfig, "Component response_1 missing 'config' object");
    const dup = echoPipeline();
    dup.components.push({ ...dup.components[1] });
    await check(dup, 'Duplicate component response_1');
    await check({ components: 'x' }, "'pipeline.components' must be an array");
    await check({ ...echoPipeline(), version: 'one' }, "'pipeline.version' must be a number");
    await check({ ...echoPipeline(), version: 0 }, "'pipeline.version' is unsupported");
  });

  it('an unreferenced component of an unknown provider is dropped from the chain', async () => {
    const c = await ctx.authed();
    const pipeline = echoPipeline();
    pipeline.components.push({ id: 'stray', provider: 'nonexistent_provider', config: {}, input: [{ lane: 'text', from: 'webhook_1' }] });
    const res = await c.request('rrext_validate', { pipeline });
    expect(res.body).not.toHaveProperty('errors');
    expect(res.body.pipeline.chain).toEqual(['webhook_1', 'response_1']);
  });

  it('execute of a pipeline the engine refuses fails before RUNNING with the engine message; nothing stays running', async () => {
    const c = await ctx.authed();
    await c.request('rrext_monitor', { token: '*', types: ['TASK'] });
    const { response, seen } = await c.call('execute', { pipeline: unknownProviderPipeline(), token: 'BAD', args: [] }, 5000);
    expect(response).toMatchObject({
      command: 'execute',
      success: false,
      message: "'pipeline.source' references unknown component id: invalid_1",
    });
    const actions = seen.filter((f) => f.msg?.event === 'apaevt_task').map((f) => f.msg!.body.action);
    expect(actions).toEqual(['begin', 'end']);
    const status = await c.request('rrext_get_task_status', { token: 'BAD' });
    expect(status.body).toMatchObject({ state: 5, completed: true, exitCode: 1, exitMessage: "'pipeline.source' references unknown component id: invalid_1" });
    expect((await c.request('rrext_get_tasks', {})).body.tasks).toEqual([]);
    const open = await c.request('rrext_process', { subcommand: 'open', token: 'BAD', object: { name: 'a' }, mimeType: 'text/plain' });
    expect(open.success).toBe(false);
    // The token is free again: a good pipeline runs under it.
    expect((await c.request('execute', { pipeline: echoPipeline(), token: 'BAD', args: [] })).success).toBe(true);
  });

  it('the chat pipeline of the fixtures (a real LLM provider) validates and runs', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_validate', { pipeline: chatPipeline() });
    expect(res.body).not.toHaveProperty('errors');
    expect(res.body.pipeline.chain).toEqual(['chat_1', 'llm_1', 'response_1']);
    expect((await c.request('execute', { pipeline: chatPipeline(), token: 'CHAT', args: [] })).success).toBe(true);
  });
});
