/**
 * The database helper (PROTOCOL.md §16.J): `client.database.query()/dialect()` are `chat()` with Questions of type
 * `execute` and `dialect`, answered by a database node. The simulator's database nodes answer them without a
 * database: `dialect` with their dialect, `execute` with empty rows only when `allow_execute` is set, otherwise nothing.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, close, openPipe, useEngine, write } from './helpers/env.js';
import type { Msg, RawClient } from './helpers/raw-client.js';

const dbPipeline = (provider: string, config: Record<string, unknown> = {}): Msg => ({
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source', type: 'chat' } },
    { id: 'db_1', provider, config, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'db_1' }] },
  ],
  source: 'chat_1',
  project_id: `db-${provider}`,
});

/** The chat() wire sequence with a Question of the given type. */
async function ask(c: RawClient, token: string, question: Record<string, unknown>): Promise<Msg> {
  const pipe = await openPipe(c, token, { object: { name: 'Question 1' }, mimeType: 'application/rocketride-question', provider: 'chat' });
  expect((await write(c, token, pipe, JSON.stringify(question))).success).toBe(true);
  const res = await close(c, token, pipe);
  expect(res.success, JSON.stringify(res)).toBe(true);
  return res.body;
}

describe.each(PROFILES)('database nodes (%s)', (profile) => {
  const ctx = useEngine({ profile });

  it('dialect answers {dialect} for each database provider', async () => {
    const c = await ctx.authed();
    for (const [provider, dialect] of [
      ['db_postgres', 'postgres'],
      ['db_mysql', 'mysql'],
      ['db_neo4j', 'neo4j'],
    ] as const) {
      const task = await c.request('execute', { pipeline: dbPipeline(provider), token: provider, args: [] });
      expect(task.success, JSON.stringify(task)).toBe(true);
      const body = await ask(c, provider, { type: 'dialect', questions: [] });
      expect(body.result_types).toEqual({ answers: 'answers' });
      expect(body.answers).toEqual([{ dialect }]);
    }
  });

  it('execute answers nothing unless allow_execute is set, then empty rows', async () => {
    const c = await ctx.authed();
    await c.request('execute', { pipeline: dbPipeline('db_postgres'), token: 'DB1', args: [] });
    const denied = await ask(c, 'DB1', { type: 'execute', questions: [{ text: 'SELECT 1' }] });
    expect(denied).not.toHaveProperty('answers');
    expect(denied).not.toHaveProperty('result_types');
    const allowed = dbPipeline('db_postgres', { parameters: { allow_execute: true } });
    await c.request('execute', { pipeline: { ...allowed, project_id: 'db-allowed' }, token: 'DB2', args: [] });
    const rows = await ask(c, 'DB2', { type: 'execute', questions: [{ text: 'SELECT 1' }] });
    expect(rows.answers).toEqual([{ rows: [], affected_rows: 0 }]);
  });
});
