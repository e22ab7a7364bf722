import { type Handler, type HandlerContext, requestToken } from '../context.js';
import { serverFailure } from '../failure.js';
import { taskToken } from '../ids.js';
import { EventFlag } from '../monitor/flags.js';
import { executeBody } from './registry.js';
import { TaskState } from './state.js';
import { isObject } from '../util.js';

function denyFor(ctx: HandlerContext, permission: 'task.control' | 'task.monitor'): void {
  if (ctx.conn.lock?.kind === 'pk') throw serverFailure(`Permission '${permission}' denied`, 'task_server.py', 240);
}

/** `execute`: starts a pipeline and answers once it is RUNNING. */
export const onExecute: Handler = async (ctx) => {
  denyFor(ctx, 'task.control');
  const args = { ...ctx.args };
  if (ctx.conn.lock) args.token = ctx.conn.lock.token;
  const task = await ctx.core.registry.execute(args, { threads: 64 });
  return executeBody(task);
};

/** `terminate`: stops the task and answers once it has ended. */
export const onTerminate: Handler = async (ctx) => {
  denyFor(ctx, 'task.control');
  const task = ctx.core.registry.require(requestToken(ctx));
  if (!task.completed) await task.stop(1, 'Task cancelled by request');
  return undefined;
};

/**
 * `restart`: stops the task and runs it again under the same token, with the `pipeline` argument when one is given
 * (else the stored one); the task keeps its original project and source either way.
 */
export const onRestart: Handler = async (ctx) => {
  denyFor(ctx, 'task.control');
  const token = requestToken(ctx);
  if (typeof token !== 'string' || token === '') throw serverFailure('Task token is required for restart', 'cmd_task.py', 301);
  const task = ctx.core.registry.require(token);
  const given = ctx.args.pipeline;
  const pipeline = isObject(given) ? { ...given, project_id: task.projectId, source: task.source } : task.pipeline;
  if (!task.completed) await task.stop(1, 'Task cancelled by request');
  const next = await ctx.core.registry.execute(
    {
      pipeline,
      token: task.token,
      threads: task.threads,
      ttl: task.ttl,
      env: task.clientEnv,
      ...(task.pipelineTraceLevel ? { pipelineTraceLevel: task.pipelineTraceLevel } : {}),
    },
    { threads: 64 },
  );
  ctx.core.hub.emitTask(next, EventFlag.TASK, 'apaevt_task', {
    action: 'restart',
    name: next.name,
    projectId: next.projectId,
    source: next.source,
  });
  return undefined;
};

/** `rrext_get_task_status`: the TASK_STATUS. */
export const onGetTaskStatus: Handler = async (ctx) => {
  denyFor(ctx, 'task.monitor');
  return ctx.core.registry.require(requestToken(ctx)).statusBody();
};

/** `rrext_get_token {projectId, source}`: the token of the running task, or the token such a task would get. */
export const onGetToken: Handler = async (ctx) => {
  denyFor(ctx, 'task.monitor');
  const { projectId, source } = ctx.args;
  if (typeof projectId !== 'string' || typeof source !== 'string') {
    throw serverFailure('projectId and source are required', 'cmd_task.py', 330);
  }
  const running = ctx.core.registry.list().find((t) => t.projectId === projectId && t.source === source && !t.completed);
  return { token: running ? running.token : taskToken(projectId, source) };
};

/** `rrext_get_tasks`: RUNNING tasks. */
export const onGetTasks: Handler = async (ctx) => {
  const tasks = ctx.core.registry
    .list()
    .filter((t) => t.state === TaskState.RUNNING && (!ctx.conn.lock || ctx.conn.lock.token === t.token))
    .map((t) => ({
      name: t.name,
      description: typeof t.pipeline.description === 'string' ? t.pipeline.description : '',
      source: t.source,
      token: t.token,
      status: t.status,
      pipeline: t.pipeline,
    }));
  return { tasks };
};

/** `rrext_get_pipeline {token}`: the stored pipeline. */
export const onGetPipeline: Handler = async (ctx) => {
  return { pipeline: ctx.core.registry.require(requestToken(ctx)).pipeline };
};
