import type { Handler, HandlerContext } from '../context.js';
import { serverFailure } from '../failure.js';
import { requirePermission } from './access.js';
import type { ProcessProfiler } from './cprofile-state.js';
import { toolsOf } from './state.js';

/** The profiler a request addresses and the owner name this caller has there. */
interface Target {
  profiler: ProcessProfiler;
  caller: string;
  connection?: number;
}

/**
 * No `target`: the server process, where the caller is `task:<connection number>`. A `target` token: that task's
 * engine, reached once the task is RUNNING; the engine knows one client (`data:1`) for everyone, so any caller owns
 * its session.
 */
async function targetOf(ctx: HandlerContext): Promise<Target> {
  const target = ctx.args.target;
  if (target === undefined || target === null || target === '') {
    return { profiler: toolsOf(ctx.core).profiles.server, caller: `task:${ctx.conn.id}`, connection: ctx.conn.id };
  }
  const task = ctx.core.registry.require(target);
  await task.whenRunning();
  if (task.completed) throw serverFailure(task.exitMessage || 'Task has already completed', 'task_server.py', 640);
  return { profiler: toolsOf(ctx.core).profiles.engine(task), caller: 'data:1' };
}

/** A server-process session ends, without a report, when its owner's connection is gone. */
function live(ctx: HandlerContext, profiler: ProcessProfiler): ProcessProfiler {
  const owner = profiler.active?.ownerConnection;
  if (owner !== undefined && ![...ctx.core.connections].some((c) => c.id === owner)) profiler.active = undefined;
  return profiler;
}

/**
 * A refusal, answered in both profiles as the server does: `success:true` with `body.status:"error"` (an upstream
 * quirk). The official SDKs' own tests pin this reply shape, so `intended` keeps it; the client turns it into a coded
 * error either way.
 */
function refuse(message: string, owner?: string): Record<string, unknown> {
  return { status: 'error', message, ...(owner !== undefined ? { owner } : {}) };
}

/** `head` checks no permission at all; `intended` asks for `task.debug`, which a `pk_` token lacks. */
function checkPermission(ctx: HandlerContext): void {
  if (ctx.core.profile !== 'head') requirePermission(ctx, 'task.debug');
}

const nowSeconds = (ctx: HandlerContext) => toolsOf(ctx.core).now() / 1000;

export const onProfileStart: Handler = async (ctx) => {
  checkPermission(ctx);
  const { profiler, caller, connection } = await targetOf(ctx);
  const active = live(ctx, profiler).active;
  if (active) return refuse(`Profiling already active (owned by ${active.owner})`, active.owner);
  const startTime = nowSeconds(ctx);
  const given = ctx.args.session;
  const session = typeof given === 'string' && given !== '' ? given : `session_${Math.floor(startTime)}`;
  profiler.active = { session, owner: caller, startTime, ...(connection !== undefined ? { ownerConnection: connection } : {}) };
  return { status: 'started', session, owner: caller, start_time: startTime };
};

export const onProfileStop: Handler = async (ctx) => {
  checkPermission(ctx);
  const { profiler, caller } = await targetOf(ctx);
  const active = live(ctx, profiler).active;
  if (!active) return refuse('No active profiling session');
  if (active.owner !== caller) return refuse(`Session owned by ${active.owner}, not ${caller}`, active.owner);
  const runtime = nowSeconds(ctx) - active.startTime;
  profiler.active = undefined;
  profiler.report = syntheticReport(active.session, active.owner, runtime);
  return { status: 'completed', session: active.session, runtime };
};

export const onProfileStatus: Handler = async (ctx) => {
  checkPermission(ctx);
  const { profiler } = await targetOf(ctx);
  const active = live(ctx, profiler).active;
  if (active) return { active: true, owner: active.owner, session: active.session, runtime: nowSeconds(ctx) - active.startTime };
  return { active: false, owner: null, session: null, runtime: null, has_report: profiler.report !== undefined };
};

const NO_DATA = 'No profiling data available. Run a session first.';

export const onProfileReport: Handler = async (ctx) => {
  checkPermission(ctx);
  const { profiler } = await targetOf(ctx);
  return { report: profiler.report ?? NO_DATA };
};

/**
 * `rrext_cprofile_report_tree {target?, max_depth?, min_pct?, include_system?}`: the last report as a call tree under a
 * synthetic `<root>`, `{tree, total_time, total_calls}`; with no report, `tree:null` and `error` carrying the same
 * sentence as `rrext_cprofile_report`. The simulator's profile has one placeholder call, so `max_depth < 1` (the
 * server's pruning) leaves the root without children, and the other two options change nothing.
 */
export const onProfileReportTree: Handler = async (ctx) => {
  checkPermission(ctx);
  const { profiler } = await targetOf(ctx);
  if (profiler.report === undefined) return { tree: null, total_time: 0, total_calls: 0, error: NO_DATA };
  const depth = ctx.args.max_depth;
  const leaf = { name: 'synthetic profile', file: 'simulator', line: 0, ncalls: 1, tottime: 0, cumtime: 0, children: [] };
  const children = typeof depth === 'number' && depth < 1 ? [] : [leaf];
  return { tree: { name: '<root>', file: '', line: 0, ncalls: 1, tottime: 0, cumtime: 0, children }, total_time: 0, total_calls: 1 };
};

/** The report's header is the server's; the statistics are a fixed placeholder (there is no Python process here). */
function syntheticReport(session: string, owner: string, runtime: number): string {
  return [
    `Session: ${session}`,
    `Owner: ${owner}`,
    `Duration: ${runtime.toFixed(2)}s`,
    '='.repeat(80),
    '         1 function calls in 0.000 seconds',
    '',
    '   Ordered by: cumulative time',
    '',
    '   ncalls  tottime  percall  cumtime  percall filename:lineno(function)',
    '        1    0.000    0.000    0.000    0.000 simulator:0(synthetic profile: the simulator runs no Python process)',
    '',
  ].join('\n');
}
