import type { Handler, HandlerContext } from '../../context.js';
import { serverFailure } from '../../failure.js';
import { isObject } from '../../util.js';
import { requirePermission, userIdOf } from '../access.js';
import { validateSchedule } from '../schedule.js';
import { toolsOf } from '../state.js';
import { type DeploymentRecord, DeploymentStore, recordKey } from './store.js';

const FILE = 'cmd_deploy.py';

function storeOf(ctx: HandlerContext): DeploymentStore {
  return new DeploymentStore(toolsOf(ctx.core).storeRoot);
}

const nowSeconds = (ctx: HandlerContext) => toolsOf(ctx.core).now() / 1000;

/** Python truthiness of a JSON value (`if not pipeline`). */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/**
 * A project id that is not a plain file name: empty, `.`/`..`, a path separator, surrounding spaces, or a character the
 * store's path rules refuse (`* ? < > | " :` and control characters).
 */
export function pathLikeProjectId(id: string): boolean {
  if (id === '' || id === '.' || id === '..' || id.trim() !== id) return true;
  for (const ch of id) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || '/\\*?<>|":'.includes(ch)) return true;
  }
  return false;
}

/**
 * The project id of a pipeline as the record key. `head` uses any truthy value as given (numbers included, path
 * traversal included, an upstream quirk); `intended` takes only a string that is not a path.
 */
function projectIdOf(ctx: HandlerContext, raw: unknown): string {
  if (!truthy(raw)) throw serverFailure('pipeline.project_id is required', FILE, 101);
  if (ctx.core.profile === 'head') return String(raw);
  if (typeof raw !== 'string') throw serverFailure('pipeline.project_id must be a string', FILE, 101);
  if (pathLikeProjectId(raw)) throw serverFailure(`Invalid project_id ${JSON.stringify(raw)}: it must not be a path`, FILE, 101);
  return raw;
}

/** `projectId` of status/update/remove, with the same rules. */
function requestedProjectId(ctx: HandlerContext): string {
  const raw = ctx.args.projectId;
  if (!truthy(raw)) throw serverFailure('projectId is required', FILE, 150);
  if (ctx.core.profile === 'head') return String(raw);
  if (typeof raw !== 'string' || pathLikeProjectId(raw)) {
    throw serverFailure(`Invalid projectId ${JSON.stringify(raw)}: it must not be a path`, FILE, 150);
  }
  return raw;
}

/** An unknown id: `head` leaks the storage key as the server does; `intended` names the deployment. */
function notFound(ctx: HandlerContext, userId: string, projectId: string): never {
  if (ctx.core.profile === 'head') throw serverFailure(`File not found: ${recordKey(userId, projectId)}`, 'file_store.py', 210);
  throw serverFailure(`Deployment not found: ${projectId}`, 'deployment_store.py', 52);
}

async function load(ctx: HandlerContext, userId: string, projectId: string): Promise<DeploymentRecord> {
  const record = await storeOf(ctx).get(userId, projectId);
  return record ?? notFound(ctx, userId, projectId);
}

/** `rrext_deploy_add {pipeline, schedule?}`: stores a new record and returns it. Nothing is started. */
export const onDeployAdd: Handler = async (ctx) => {
  requirePermission(ctx, 'task.control');
  const pipeline = ctx.args.pipeline;
  if (!truthy(pipeline)) throw serverFailure('pipeline is required', FILE, 96);
  if (!isObject(pipeline)) throw serverFailure('pipeline must be an object', FILE, 98);
  const projectId = projectIdOf(ctx, pipeline.project_id);
  const schedule = validateSchedule('schedule' in ctx.args ? ctx.args.schedule : 'manual', ctx.core.profile);
  const userId = userIdOf(ctx);
  const store = storeOf(ctx);
  if (await store.get(userId, projectId)) {
    throw serverFailure(`Deployment already exists: ${projectId}`, 'deployment_store.py', 74);
  }
  const now = nowSeconds(ctx);
  const record: DeploymentRecord = {
    pipeline,
    schedule,
    state: 'active',
    created_by: userId,
    created_at: now,
    updated_at: now,
  };
  await store.put(userId, projectId, record);
  toolsOf(ctx.core).scheduler?.wake();
  return { ...record };
};

/** `rrext_deploy_list`: every record of the caller. */
export const onDeployList: Handler = async (ctx) => {
  requirePermission(ctx, 'task.monitor');
  return { deployments: await storeOf(ctx).list(userIdOf(ctx)) };
};

/** `rrext_deploy_status {projectId}`: one record. */
export const onDeployStatus: Handler = async (ctx) => {
  requirePermission(ctx, 'task.monitor');
  const projectId = requestedProjectId(ctx);
  return { ...(await load(ctx, userIdOf(ctx), projectId)) };
};

/**
 * `rrext_deploy_update {projectId, pipeline?, schedule?}`: a given pipeline replaces the stored one (its project_id
 * forced to projectId), a given schedule is validated, `updated_at` is refreshed in any case. Unconditional write.
 */
export const onDeployUpdate: Handler = async (ctx) => {
  requirePermission(ctx, 'task.control');
  const projectId = requestedProjectId(ctx);
  const userId = userIdOf(ctx);
  const record = await load(ctx, userId, projectId);
  const { pipeline, schedule } = ctx.args;
  if (pipeline !== undefined && pipeline !== null) {
    if (!isObject(pipeline)) throw serverFailure('pipeline must be an object', FILE, 172);
    record.pipeline = { ...pipeline, project_id: projectId };
  }
  if (schedule !== undefined) record.schedule = validateSchedule(schedule, ctx.core.profile);
  record.updated_at = Math.max(nowSeconds(ctx), record.updated_at + 1e-6);
  await storeOf(ctx).put(userId, projectId, record);
  toolsOf(ctx.core).scheduler?.wake();
  return {};
};

/** `rrext_deploy_remove {projectId}`. */
export const onDeployRemove: Handler = async (ctx) => {
  requirePermission(ctx, 'task.control');
  const projectId = requestedProjectId(ctx);
  const userId = userIdOf(ctx);
  if (!(await storeOf(ctx).remove(userId, projectId))) notFound(ctx, userId, projectId);
  toolsOf(ctx.core).scheduler?.wake();
  return {};
};
