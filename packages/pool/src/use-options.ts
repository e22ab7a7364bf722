import { describeValue, readArgument, type UseOptions } from '@rocketride-streams/core';
import { invalid } from './checks.js';

/** Options of `pool.use()`: those of `rocketride.use()` (without the pipeline), plus how many engines run it. */
export interface PoolUseOptions extends Omit<UseOptions, 'pipeline' | 'filepath'> {
  /** `'all'` (default): every engine of the pool, those down now included once they connect. A number: that many connected engines. */
  replicas?: 'all' | number;
}


const STRINGS = ['source', 'token', 'name', 'teamId'] as const;

/**
 * Checks `pool.use()`'s arguments before anything is sent (the engine-side checks of each client's
 * `use()` run again per engine, also before sending).
 */
export function checkUse(
  pipeline: unknown,
  options: unknown,
  engines: number,
): { replicas: 'all' | number; signal: AbortSignal | undefined; use: Omit<UseOptions, 'signal'> } {
  const use: Omit<UseOptions, 'signal'> = {};
  if (typeof pipeline === 'string') {
    if (pipeline.trim() === '') throw invalid('pool.use() pipeline must be a pipeline object or the path of a pipeline file (got an empty string)', 'ERR_INVALID_PIPELINE');
    use.filepath = pipeline;
  } else if (typeof pipeline === 'object' && pipeline !== null && !Array.isArray(pipeline)) {
    use.pipeline = pipeline as Record<string, unknown>;
  } else {
    throw invalid(`pool.use() pipeline must be a pipeline object or the path of a pipeline file (got ${describeValue(pipeline)})`, 'ERR_INVALID_PIPELINE');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(`pool.use() options must be an object (got ${describeValue(options)})`);
  const copy = readArgument('pool.use() options', () => ({ ...options }));
  const { replicas = 'all', signal, threads, ttl, useExisting, ...rest } = copy as PoolUseOptions & Record<string, unknown>;
  if (replicas !== 'all' && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > engines)) {
    throw invalid(`pool.use() options.replicas must be 'all' or an integer from 1 to ${engines}, the number of engines (got ${describeValue(replicas)})`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid(`pool.use() options.signal must be an AbortSignal (got ${describeValue(signal)})`);
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 4096)) {
    throw invalid(`pool.use() options.threads must be an integer from 1 to 4096 (got ${describeValue(threads)})`);
  }
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)) throw invalid(`pool.use() options.ttl must be a non-negative integer (got ${describeValue(ttl)})`);
  if (useExisting !== undefined && typeof useExisting !== 'boolean') throw invalid(`pool.use() options.useExisting must be true or false (got ${describeValue(useExisting)})`);
  for (const key of STRINGS) {
    const value = rest[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw invalid(`pool.use() options.${key} must be a non-empty string (got ${describeValue(value)})`);
  }
  if ('pipeline' in rest || 'filepath' in rest) throw invalid('pool.use() takes the pipeline as its first argument, not in options');
  Object.assign(use, rest);
  if (threads !== undefined) use.threads = threads;
  if (ttl !== undefined) use.ttl = ttl;
  if (useExisting !== undefined) use.useExisting = useExisting;
  return { replicas, signal: signal as AbortSignal | undefined, use };
}
