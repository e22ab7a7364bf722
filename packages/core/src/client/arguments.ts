import type { ValidationErrorCode } from '../errors/codes.js';
import { checkCallOptions, checkRequestOptions, checkSignal, describe, readArgument } from '../config/validate.js';
import { normalizeUri } from '../config/uri.js';
import { ValidationError } from '../errors/validation-error.js';
import type { RestartOptions, UseOptions } from '../commands/tasks.js';
import type { MonitorOptions } from '../commands/events.js';
import type { MonitorKey } from '../events/monitors.js';

// Argument checks of the client's entry points, run before anything is sent. Messages name the
// argument and the kind of value given, never a string's content (it may be a credential).

function invalid(message: string, code: ValidationErrorCode = 'ERR_INVALID_ARGUMENT'): ValidationError {
  return new ValidationError(message, { code });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, name: string, allowEmpty = false): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) {
    throw invalid(`${name} must be a ${allowEmpty ? '' : 'non-empty '}string (got ${describe(value)})`);
  }
}

function optionalInteger(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
}

/** `request(command, args, options)`: a command name, an arguments object, request options. */
export function checkRequest(command: unknown, args: unknown, options: unknown): void {
  if (typeof command !== 'string' || command === '') throw invalid(`request(): command must be a non-empty string (got ${describe(command)})`);
  if (args !== undefined && !isPlainObject(args)) throw invalid(`request(): arguments must be an object (got ${describe(args)})`);
  checkRequestOptions(options, 'request()');
}

/** Throws `code` unless `value` can be sent as JSON (no cycle, no BigInt, no throwing getter). */
function checkJson(value: unknown, name: string, code: ValidationErrorCode = 'ERR_INVALID_PIPELINE'): void {
  try {
    JSON.stringify(value);
  } catch (cause) {
    throw new ValidationError(`${name} cannot be sent as JSON (a cycle, a BigInt or an unreadable field)`, { code, cause });
  }
}

/** `setConnectionParams({ uri?, auth? })`. */
export function checkConnectionParams(params: unknown): void {
  if (!isPlainObject(params)) throw invalid(`setConnectionParams() needs an object (got ${describe(params)})`);
  readArgument('setConnectionParams(): params', () => checkConnectionFields(params));
}

function checkConnectionFields(params: Record<string, unknown>): void {
  if (params.uri !== undefined && (typeof params.uri !== 'string' || params.uri.trim() === '')) {
    const got = typeof params.uri === 'string' ? 'an empty string' : describe(params.uri);
    throw invalid(`setConnectionParams(): uri must be a non-empty engine address (got ${got})`, 'ERR_INVALID_URI');
  }
  if (params.auth !== undefined && typeof params.auth !== 'string') {
    throw invalid(`setConnectionParams(): auth must be a string (got ${describe(params.auth)})`);
  }
}

/** `attach(uri?, options?)`: the normalised address when a `uri` is given. */
export function checkAttach(uri: unknown, options: unknown, wsPath: string): string | undefined {
  if (uri !== undefined && (typeof uri !== 'string' || uri.trim() === '')) {
    const got = typeof uri === 'string' ? 'an empty string' : describe(uri);
    throw invalid(`attach(): uri must be a non-empty engine address (got ${got})`, 'ERR_INVALID_URI');
  }
  checkCallOptions(options, 'attach()');
  return uri === undefined ? undefined : normalizeUri(uri, wsPath);
}

/** `RocketRideClient.getServerInfo(uri, options?)`: the timeout to use, if any. */
export function checkProbe(uri: unknown, options: unknown): number | undefined {
  if (typeof uri !== 'string' || uri.trim() === '') {
    const got = typeof uri === 'string' ? 'an empty string' : describe(uri);
    throw invalid(`RocketRideClient.getServerInfo(): uri must be a non-empty engine address (got ${got})`, 'ERR_INVALID_URI');
  }
  checkRequestOptions(options, 'RocketRideClient.getServerInfo()');
  return (options as { timeout?: number } | undefined)?.timeout;
}

/** An env map (`setEnv(env)`, `use({ env })`): an object of string values; a copy of it. */
export function checkEnvMap(env: unknown, what: string): Record<string, string> {
  if (!isPlainObject(env)) throw invalid(`${what}: env must be an object of strings (got ${describe(env)})`);
  // Copied once: a getter or Proxy trap that throws is refused (coded), and is not run again later.
  const copy = readArgument(`${what}: env`, () => ({ ...env }));
  for (const [k, v] of Object.entries(copy)) {
    if (typeof v !== 'string') throw invalid(`${what}: env.${k} must be a string (got ${describe(v)})`);
  }
  return copy as Record<string, string>;
}

const TRACE_LEVELS = new Set(['none', 'metadata', 'summary', 'full']);
/** A sane ceiling for `threads` (the engine's default is 64, its HTTP route allows 1–64). */
export const MAX_THREADS = 1024;

/** `use(options)`: every field of {@link UseOptions}. */
export function checkUseOptions(options: unknown): asserts options is UseOptions {
  if (!isPlainObject(options)) {
    throw invalid(`use() needs an options object with filepath or pipeline (got ${describe(options)})`);
  }
  readArgument('use() options', () => checkUseFields(options));
}

function checkUseFields(o: Record<string, unknown>): void {
  if (o.pipeline !== undefined && !isPlainObject(o.pipeline)) {
    throw invalid(`use(): pipeline must be a JSON object (got ${describe(o.pipeline)})`, 'ERR_INVALID_PIPELINE');
  }
  // A cyclic pipeline would overflow the stack in the \${ROCKETRIDE_*} substitution (a RangeError, uncoded).
  if (o.pipeline !== undefined) checkJson(o.pipeline, 'use(): pipeline');
  if (o.pipeline === undefined && (typeof o.filepath !== 'string' || o.filepath === '')) {
    throw invalid(`use(): give pipeline, or filepath as a non-empty string (got ${describe(o.filepath)})`, 'ERR_INVALID_PIPELINE');
  }
  optionalString(o.filepath, 'use(): filepath');
  for (const name of ['source', 'token', 'teamId']) optionalString(o[name], `use(): ${name}`);
  optionalString(o.name, 'use(): name', true);
  optionalInteger(o.threads, 'use(): threads', 1, MAX_THREADS);
  optionalInteger(o.ttl, 'use(): ttl (s)', 0, 2_147_483_647);
  if (o.useExisting !== undefined && typeof o.useExisting !== 'boolean') {
    throw invalid(`use(): useExisting must be true or false (got ${describe(o.useExisting)})`);
  }
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== 'string'))) {
    throw invalid(`use(): args must be an array of strings (got ${describe(o.args)})`);
  }
  if (o.pipelineTraceLevel !== undefined && !TRACE_LEVELS.has(o.pipelineTraceLevel as string)) {
    throw invalid(`use(): pipelineTraceLevel must be one of none, metadata, summary, full (got ${describe(o.pipelineTraceLevel)})`);
  }
  if (o.env !== undefined) {
    if (!isPlainObject(o.env)) throw invalid(`use(): env must be an object of strings (got ${describe(o.env)})`);
    for (const [k, v] of Object.entries(o.env)) {
      if (typeof v !== 'string') throw invalid(`use(): env.${k} must be a string (got ${describe(v)})`);
    }
  }
  checkSignal(o.signal, 'use() options');
}

/** `restart(options)`: a token, or a projectId and source to look it up; an optional pipeline. */
export function checkRestartOptions(options: unknown): asserts options is RestartOptions {
  if (!isPlainObject(options)) throw invalid(`restart() needs an options object (got ${describe(options)})`);
  readArgument('restart() options', () => checkRestartFields(options));
}

function checkRestartFields(options: Record<string, unknown>): void {
  for (const name of ['token', 'projectId', 'source']) optionalString(options[name], `restart(): ${name}`);
  if (options.token === undefined && (options.projectId === undefined || options.source === undefined)) {
    throw invalid('restart() needs a token, or a projectId and a source to look it up');
  }
  if (options.pipeline !== undefined && !isPlainObject(options.pipeline)) {
    throw invalid(`restart(): pipeline must be a JSON object (got ${describe(options.pipeline)})`, 'ERR_INVALID_PIPELINE');
  }
  checkSignal(options.signal, 'restart() options');
}

/** `getTaskToken({ projectId, source, signal? })`. */
export function checkTaskTokenOptions(options: unknown): void {
  if (!isPlainObject(options)) throw invalid(`getTaskToken() needs options { projectId, source } (got ${describe(options)})`);
  readArgument('getTaskToken() options', () => checkTaskTokenFields(options));
}

function checkTaskTokenFields(options: Record<string, unknown>): void {
  for (const name of ['projectId', 'source']) {
    if (options[name] === undefined) throw invalid(`getTaskToken(): ${name} must be a non-empty string (got undefined)`);
    optionalString(options[name], `getTaskToken(): ${name}`);
  }
  checkSignal(options.signal, 'getTaskToken() options');
}

/** `addMonitor`/`removeMonitor(key, types, options)`: the key's shape (one of the two forms), the types, the options. */
export function checkMonitorCall(key: MonitorKey, types: unknown, options: MonitorOptions | undefined, what: string): void {
  if (!isPlainObject(key)) throw invalid(`${what}: the key must be { token } or { projectId, source } (got ${describe(key)})`);
  readArgument(`${what}: the key`, () => checkMonitorKey(key, what));
  if (!Array.isArray(types)) throw invalid(`${what}: types must be an array of event type names (got ${describe(types)})`);
  checkCallOptions(options, what);
}

function checkMonitorKey(key: Record<string, unknown>, what: string): void {
  if ('token' in key && ('projectId' in key || 'source' in key)) {
    throw invalid(`${what}: the key must be { token } or { projectId, source }, not both`);
  }
}
