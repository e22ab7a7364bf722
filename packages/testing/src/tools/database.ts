/** The SQL dialect each simulated database provider answers to a `dialect` Question. */
const DIALECTS: Readonly<Record<string, string>> = { db_postgres: 'postgres', db_mysql: 'mysql', db_neo4j: 'neo4j' };

/** True for a database node. */
export const isDatabaseProvider = (provider: string): boolean => Object.hasOwn(DIALECTS, provider);

/**
 * What a database node answers to a Question: `dialect` → `{dialect}`; `execute` → `{rows: [],
 * affected_rows: 0}` when the node's `allow_execute` is true, otherwise nothing (the node only logs a warning, so
 * `query()` gets a result without answers). The simulator has no database: rows are always empty. Other question types
 * get no answer either.
 */
export function databaseAnswers(provider: string, config: Record<string, unknown> | undefined, question: Record<string, unknown>): unknown[] {
  if (question.type === 'dialect') return [{ dialect: DIALECTS[provider] }];
  if (question.type === 'execute') {
    const params = config && typeof config.parameters === 'object' && config.parameters !== null ? (config.parameters as Record<string, unknown>) : {};
    const allowed = config?.allow_execute === true || params.allow_execute === true;
    return allowed ? [{ rows: [], affected_rows: 0 }] : [];
  }
  return [];
}
