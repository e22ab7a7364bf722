import type { CallOptions } from '../config/options.js';
import { ExecutionError } from '../errors/execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { PipelineResult } from '../schema/pipeline-result.js';
import { Question } from '../schema/question.js';
import type { ChatOptions } from '../data/chat.js';
import { requireOptions, requireSignal, requireString } from '../config/checks.js';
import { readArgument } from '../config/validate.js';
import { isRecord } from '../config/shape.js';

/** What the database helper needs: `chat()` (it adds no wire command). */
export interface DatabaseHost {
  chat(options: ChatOptions): Promise<PipelineResult>;
}

/** Options of `database.query()`. */
export interface DatabaseQueryOptions extends CallOptions {
  /** The token of a task whose chat source feeds a database node. */
  token: string;
  /** The SQL (or Cypher) statement, sent as `questions[0].text` of an `execute` Question (official name). */
  sql?: string;
  /** The same as `sql`, for callers who think of it as the question. */
  question?: string;
}

/** What a database node answers to an `execute` Question. */
export interface DatabaseQueryResult {
  rows: unknown[];
  affected_rows: number;
  /** The whole pipeline result (e.g. a markdown table on `text`/`table` lanes when the pipeline has them). */
  result: PipelineResult;
}

/** The dialects database nodes answer. */
export type DatabaseDialect = 'postgres' | 'mysql' | 'neo4j';

function checkToken(options: unknown): asserts options is { token: string; signal?: AbortSignal } {
  requireOptions(options);
  if (options === undefined) throw new ValidationError('options must be an object', { code: 'ERR_INVALID_ARGUMENT' });
  readArgument('options', () => {
    requireString(options.token, 'token');
    requireSignal(options.signal, 'options.signal');
  });
}

function firstAnswer(result: PipelineResult): unknown {
  return Array.isArray(result.answers) ? result.answers[0] : undefined;
}

/**
 * The database helper, reached as `client.database`: `chat()` with Questions of type `execute` and `dialect`, answered
 * by a database node in the pipeline. Failures of the pipe itself are PipeErrors as in `chat()`.
 */
export class DatabaseApi {
  constructor(private readonly host: DatabaseHost) {}

  /**
   * Runs a statement on the database node. ⚠ A node whose `allow_execute` setting is false (the default) answers
   * nothing and the official SDK then resolves without rows; here that is ExecutionError `ERR_DATABASE_NO_ANSWER`.
   */
  async query(options: DatabaseQueryOptions): Promise<DatabaseQueryResult> {
    checkToken(options);
    const { sql, question } = options;
    if (sql !== undefined && question !== undefined && sql !== question) {
      throw new ValidationError('give the statement as sql or as question, not both', { code: 'ERR_INVALID_ARGUMENT' });
    }
    const text = sql ?? question;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new ValidationError('sql must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
    }
    const q = new Question({ type: 'execute' }).addQuestion(text);
    const result = await this.host.chat({ token: options.token, question: q, ...(options.signal ? { signal: options.signal } : {}) });
    const answer = firstAnswer(result);
    if (!isRecord(answer)) {
      throw new ExecutionError(
        'The pipeline returned no query answer: is the endpoint a database node, and is its allow_execute setting on?',
        { code: 'ERR_DATABASE_NO_ANSWER' },
      );
    }
    return {
      rows: Array.isArray(answer.rows) ? answer.rows : [],
      affected_rows: typeof answer.affected_rows === 'number' ? answer.affected_rows : 0,
      result,
    };
  }

  /** The dialect of the database node (`postgres`, `mysql` or `neo4j`). @throws ExecutionError `ERR_DATABASE_NO_ANSWER` */
  async dialect(options: { token: string; signal?: AbortSignal }): Promise<DatabaseDialect> {
    checkToken(options);
    const q = new Question({ type: 'dialect' });
    const result = await this.host.chat({ token: options.token, question: q, ...(options.signal ? { signal: options.signal } : {}) });
    const answer = firstAnswer(result);
    if (!isRecord(answer) || typeof answer.dialect !== 'string') {
      throw new ExecutionError('Pipeline returned no dialect answer; is the endpoint a database node?', { code: 'ERR_DATABASE_NO_ANSWER' });
    }
    return answer.dialect as DatabaseDialect;
  }
}
