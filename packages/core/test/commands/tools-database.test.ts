import { CHAT_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const dbPipeline = (provider: string, projectId: string, config: Record<string, unknown> = {}) => ({
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source', type: 'chat' } },
    { id: 'db_1', provider, config, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'db_1' }] },
  ],
  source: 'chat_1',
  project_id: projectId,
});
const questions = (engine: Engine) =>
  engine
    .pipes()
    .flatMap((p) => (p.received ? [JSON.parse(Buffer.from(p.received).toString('utf8')) as Record<string, unknown>] : []));

describe('client.database', () => {
  for (const profile of ['intended', 'head'] as const) {
    it(`dialect() answers each database node's dialect (${profile})`, async () => {
      const { client, engine } = await h.connected({ profile });
      for (const [provider, dialect] of [
        ['db_postgres', 'postgres'],
        ['db_mysql', 'mysql'],
        ['db_neo4j', 'neo4j'],
      ] as const) {
        const { token } = await client.use({ pipeline: { pipeline: dbPipeline(provider, `db-${provider}`) }, token: provider });
        expect(await client.database.dialect({ token })).toBe(dialect);
      }
      expect(questions(engine).map((q) => [q.type, q.questions])).toEqual([
        ['dialect', []],
        ['dialect', []],
        ['dialect', []],
      ]);
    });
  }

  it('query() sends an execute Question with the statement and returns rows when allow_execute is on', async () => {
    const { client, engine } = await h.connected();
    const { token } = await client.use({ pipeline: { pipeline: dbPipeline('db_postgres', 'db-ok', { parameters: { allow_execute: true } }) }, token: 'DBQ' });
    const result = await client.database.query({ token, sql: 'SELECT 1' });
    expect(result.rows).toEqual([]);
    expect(result.affected_rows).toBe(0);
    expect(result.result.answers).toEqual([{ rows: [], affected_rows: 0 }]);
    expect(questions(engine).map((q) => [q.type, q.questions])).toEqual([['execute', [{ text: 'SELECT 1' }]]]);
    // `question` is the same field under the brief's name.
    await expect(client.database.query({ token, question: 'SELECT 2' })).resolves.toMatchObject({ rows: [] });
  });

  it('a node with allow_execute off answers nothing: ERR_DATABASE_NO_ANSWER, not an empty success', async () => {
    const { client } = await h.connected();
    const { token } = await client.use({ pipeline: { pipeline: dbPipeline('db_postgres', 'db-denied') }, token: 'DBD' });
    const error = await client.database.query({ token, sql: 'DELETE FROM t' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error).toMatchObject({
      code: 'ERR_DATABASE_NO_ANSWER',
      message: 'The pipeline returned no query answer: is the endpoint a database node, and is its allow_execute setting on?',
    });
  });

  it('dialect() on a pipeline without a database node fails with the official message, coded', async () => {
    const { client } = await h.connected();
    const { token } = await client.use({ pipeline: { pipeline: CHAT_PIPELINE }, token: 'DBN' });
    const error = await client.database.dialect({ token }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_DATABASE_NO_ANSWER', message: 'Pipeline returned no dialect answer; is the endpoint a database node?' });
  });

  for (const [name, call, message] of [
    ['no statement', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.database.query({ token: 'T' }), 'sql must be a non-empty string'],
    ['blank statement', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.database.query({ token: 'T', sql: '  ' }), 'sql must be a non-empty string'],
    ['sql and question differ', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.database.query({ token: 'T', sql: 'a', question: 'b' }), 'give the statement as sql or as question, not both'],
    ['no token', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.database.dialect({ token: '' }), 'token must be a non-empty string'],
    ['no options', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.database.dialect(undefined as never), 'options must be an object'],
  ] as const) {
    it(`${name} → ERR_INVALID_ARGUMENT, nothing sent`, async () => {
      const { client, engine } = await h.connected();
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
      expect(engine.requests().filter((r) => r.command === 'rrext_process')).toEqual([]);
    });
  }
});
