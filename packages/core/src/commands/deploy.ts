import { CronExpressionParser } from 'cron-parser';
import type { CallOptions } from '../config/options.js';
import { ExecutionError } from '../errors/execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { isRecord } from '../config/shape.js';
import { type CommandHost, callTool, checkCallOptions } from './host.js';
import { readArgument } from '../config/validate.js';

/** A deployment as the engine stores it: a pipeline plus a schedule. */
export interface DeploymentRecord {
  pipeline: Record<string, unknown> & { project_id: string };
  /** `"manual"`, a preset such as `"@daily"`, or a 5-field cron expression. */
  schedule: string;
  state: 'active' | 'paused' | 'errored';
  /** The `userId` that added it. */
  created_by: string;
  /** Epoch seconds. */
  created_at: number;
  updated_at: number;
  [key: string]: unknown;
}

/** What `deploy.update()` changes: a given pipeline replaces the stored one, a given schedule replaces the old one. */
export interface DeploymentChanges {
  pipeline?: Record<string, unknown>;
  schedule?: string;
}

/** The presets the engine accepts besides `"manual"`; `@reboot` is not one. */
export const SCHEDULE_PRESETS: readonly string[] = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

const SCHEDULE_HINT = 'Expected "manual", a cron preset (@hourly etc.), or a 5-field cron expression.';

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * Checks a schedule with the engine's rules: `"manual"`, a preset, or a 5-field cron expression that `cron-parser`
 * accepts. The 6-field (seconds) form the engine lets through despite its own message (§16.F ⚠) is refused here.
 * @throws ValidationError `ERR_INVALID_SCHEDULE`
 */
export function validateSchedule(schedule: unknown): asserts schedule is string {
  if (typeof schedule === 'string') {
    if (schedule === 'manual' || SCHEDULE_PRESETS.includes(schedule)) return;
    const text = schedule.trim();
    if (text !== '' && !text.startsWith('@') && text.split(/\s+/).length === 5) {
      try {
        CronExpressionParser.parse(text, { currentDate: new Date(0) });
        return;
      } catch {
        // refused below
      }
    }
  }
  throw new ValidationError(`Invalid schedule ${shown(schedule)}. ${SCHEDULE_HINT}`, { code: 'ERR_INVALID_SCHEDULE' });
}

/**
 * Checks a project id: a non-empty string that is a plain file name. The engine uses it unescaped in a storage key, so
 * `..`, separators and the store's forbidden characters would traverse paths (§16.F ⚠).
 * @throws ValidationError `ERR_INVALID_PROJECT_ID`
 */
export function validateProjectId(id: unknown, name = 'projectId'): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new ValidationError(`${name} must be a non-empty string`, { code: 'ERR_INVALID_PROJECT_ID' });
  }
  let bad = id === '.' || id === '..' || id.trim() !== id;
  for (const ch of id) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f || '/\\*?<>|":'.includes(ch)) bad = true;
  }
  if (bad) {
    throw new ValidationError(`${name} ${JSON.stringify(id)} must not be a path (no separators, "..", surrounding spaces or * ? < > | " : characters)`, {
      code: 'ERR_INVALID_PROJECT_ID',
    });
  }
}

function requirePipeline(pipeline: unknown): asserts pipeline is Record<string, unknown> {
  if (!isRecord(pipeline)) throw new ValidationError('pipeline must be an object', { code: 'ERR_INVALID_ARGUMENT' });
}

function record(body: unknown, command: string): DeploymentRecord {
  if (!isRecord(body) || !isRecord(body.pipeline)) {
    throw new ExecutionError(`${command} failed: the engine returned no deployment record`, { code: 'ERR_DEPLOY_RESPONSE', command });
  }
  return body as DeploymentRecord;
}

/** The schedule and options of `add()`: `(schedule?, options?)`, or the official `({ schedule, signal? })`. */
function addArguments(second: unknown, third: unknown): { schedule: unknown; options: unknown } {
  if (!isRecord(second)) return { schedule: second, options: third };
  if (third !== undefined) {
    throw new ValidationError('deploy.add(pipeline, { schedule, signal }) takes no third argument', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const unknown = Object.keys(second).filter((k) => k !== 'schedule' && k !== 'signal');
  if (unknown.length > 0) {
    throw new ValidationError(`deploy.add(): unknown option ${JSON.stringify(unknown[0])} (expected schedule, signal)`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  const { schedule, ...options } = second;
  return { schedule, options };
}

/**
 * Deployments (`rrext_deploy_*`), reached as `client.deploy`. Every method checks its arguments before sending and
 * fails with a coded ExecutionError (`ERR_DEPLOY_ADD`, `_LIST`, `_STATUS`, `_UPDATE`, `_REMOVE`) carrying the
 * engine's message. ⚠ The engine at eee534a1 stores deployments but runs none of them (§16.F).
 */
export class DeployApi {
  constructor(private readonly host: CommandHost) {}

  /**
   * Stores `pipeline` (which carries its `project_id`) with a schedule (default `"manual"`); resolves with the record.
   * The schedule is given the official way, `add(pipeline, { schedule, signal? })`, or as the second argument itself,
   * `add(pipeline, schedule?, { signal })`.
   */
  add(pipeline: Record<string, unknown>, options?: { schedule?: string } & CallOptions): Promise<DeploymentRecord>;
  add(pipeline: Record<string, unknown>, schedule?: string, options?: CallOptions): Promise<DeploymentRecord>;
  async add(pipeline: Record<string, unknown>, second?: string | ({ schedule?: string } & CallOptions), third?: CallOptions): Promise<DeploymentRecord> {
    requirePipeline(pipeline);
    readArgument('pipeline', () => {
      if (Object.keys(pipeline).length === 0) throw new ValidationError('pipeline is required', { code: 'ERR_INVALID_ARGUMENT' });
      validateProjectId(pipeline.project_id, 'pipeline.project_id');
    });
    const { schedule, options } = addArguments(second, third);
    if (schedule !== undefined) validateSchedule(schedule);
    const opts = checkCallOptions(options);
    const args: Record<string, unknown> = { pipeline, ...(schedule !== undefined ? { schedule } : {}) };
    return record(await callTool(this.host, 'rrext_deploy_add', args, 'ERR_DEPLOY_ADD', opts), 'rrext_deploy_add');
  }

  /** Every deployment of the caller, in no particular order. */
  async list(options?: CallOptions): Promise<DeploymentRecord[]> {
    const opts = checkCallOptions(options);
    const body = await callTool<{ deployments?: unknown }>(this.host, 'rrext_deploy_list', {}, 'ERR_DEPLOY_LIST', opts);
    if (!isRecord(body) || !Array.isArray(body.deployments)) {
      throw new ExecutionError('rrext_deploy_list failed: the engine returned no deployment list', { code: 'ERR_DEPLOY_RESPONSE', command: 'rrext_deploy_list' });
    }
    return body.deployments as DeploymentRecord[];
  }

  /** One deployment's record. */
  async status(projectId: string, options?: CallOptions): Promise<DeploymentRecord> {
    validateProjectId(projectId);
    const opts = checkCallOptions(options);
    return record(await callTool(this.host, 'rrext_deploy_status', { projectId }, 'ERR_DEPLOY_STATUS', opts), 'rrext_deploy_status');
  }

  /**
   * Replaces the pipeline and/or the schedule. ⚠ The engine writes unconditionally: concurrent updates overwrite each
   * other (§16.F).
   */
  async update(projectId: string, changes: DeploymentChanges = {}, options?: CallOptions): Promise<void> {
    validateProjectId(projectId);
    if (!isRecord(changes)) throw new ValidationError('changes must be an object', { code: 'ERR_INVALID_ARGUMENT' });
    changes = readArgument('changes', () => ({ pipeline: changes.pipeline, schedule: changes.schedule }));
    if (changes.pipeline !== undefined) requirePipeline(changes.pipeline);
    if (changes.schedule !== undefined) validateSchedule(changes.schedule);
    const opts = checkCallOptions(options);
    const args: Record<string, unknown> = { projectId };
    if (changes.pipeline !== undefined) args.pipeline = changes.pipeline;
    if (changes.schedule !== undefined) args.schedule = changes.schedule;
    await callTool(this.host, 'rrext_deploy_update', args, 'ERR_DEPLOY_UPDATE', opts);
  }

  /** Deletes a deployment. */
  async remove(projectId: string, options?: CallOptions): Promise<void> {
    validateProjectId(projectId);
    const opts = checkCallOptions(options);
    await callTool(this.host, 'rrext_deploy_remove', { projectId }, 'ERR_DEPLOY_REMOVE', opts);
  }
}
