import type { Connection } from '../connection.js';
import type { Handler, HandlerContext } from '../context.js';
import { EventFlag } from '../monitor/flags.js';
import { taskKey } from '../monitor/hub.js';
import { TaskState } from '../tasks/state.js';
import type { Task } from '../tasks/task.js';
import { requirePermission, userIdOf } from './access.js';

/** Event flag names in bit order, lower-case as the dashboard lists them. */
const FLAG_NAMES = (Object.entries(EventFlag) as [string, number][])
  .filter(([name]) => name !== 'NONE' && name !== 'ALL')
  .sort(([, a], [, b]) => a - b)
  .map(([name, bit]) => [name.toLowerCase(), bit] as const);

const flagsOf = (mask: number) => FLAG_NAMES.filter(([, bit]) => (mask & bit) !== 0).map(([name]) => name);

/** How a subscription key relates to tasks: `*`, a whole project, or one project/source (optionally one pipe). */
function keyMatcher(key: string, tasks: Task[]): { label: string; matches: Task[] } {
  if (key === '*') return { label: 'All tasks', matches: tasks };
  for (const t of tasks) {
    const base = taskKey(t.projectId, t.source);
    if (key === base) return { label: t.name, matches: [t] };
    const pipe = key.startsWith(`${base}.`) ? key.slice(base.length + 1) : '';
    if (/^\d+$/.test(pipe)) return { label: `${t.name}.pipe${pipe}`, matches: [t] };
  }
  const project = tasks.find((t) => key === `p.${t.projectId}.*`);
  if (project) {
    const matches = tasks.filter((t) => t.projectId === project.projectId);
    return { label: `${project.projectId.slice(0, 8)}.*`, matches };
  }
  // No task known for the key: the first 8 characters of the project id stand in for the task name.
  const parsed = /^p\.(.+)\.([^.]+?)(?:\.(\d+))?$/.exec(key);
  if (parsed) {
    const [, projectId, source, pipe] = parsed;
    return { label: `${projectId!.slice(0, 8)}.${source}${pipe !== undefined ? `.pipe${pipe}` : ''}`, matches: [] };
  }
  return { label: 'Task monitor', matches: [] };
}

function connectionEntry(conn: Connection, tasks: Task[], userId: string): Record<string, unknown> {
  const monitors: Record<string, unknown>[] = [];
  const attached = new Set<Task>();
  for (const [key, mask] of conn.monitors) {
    const { label, matches } = keyMatcher(key, tasks);
    monitors.push({ key: label, flags: flagsOf(mask) });
    for (const t of matches) attached.add(t);
  }
  const clientInfo: Record<string, string> = {};
  if (conn.clientName !== '') clientInfo.name = conn.clientName;
  if (conn.clientVersion !== '') clientInfo.version = conn.clientVersion;
  return {
    id: conn.id,
    connectedAt: conn.connectedAt,
    lastActivity: conn.lastActivity,
    messagesIn: conn.messagesIn,
    messagesOut: conn.messagesOut,
    authenticated: conn.authenticated,
    clientId: userId,
    clientInfo,
    monitors,
    attachedTasks: tasks.filter((t) => attached.has(t)).map((t) => t.name),
  };
}

function taskEntry(task: Task, nowMs: number): Record<string, unknown> {
  const status = task.statusBody();
  const end = task.completed ? task.endTime : nowMs / 1000;
  return {
    id: task.id,
    name: task.name,
    projectId: task.projectId,
    source: task.source,
    provider: task.provider,
    launchType: 'execute',
    startTime: task.startTime,
    elapsedTime: Math.max(0, end - task.startTime),
    completed: task.completed,
    status: task.completed ? null : task.status,
    exitCode: task.completed ? task.exitCode : null,
    endTime: task.completed ? task.endTime : null,
    // 1 while a debugger is attached: the simulator has none. Subscriptions do not count.
    connections: 0,
    state: task.state,
    idleTime: task.state === TaskState.RUNNING ? Math.floor(Math.max(0, nowMs - task.lastActivity) / 1000) : 0,
    ttl: task.ttl,
    metrics: status.metrics,
    totalCount: task.counters.totalCount,
    completedCount: task.counters.completedCount,
    rateCount: task.counters.rateCount,
    rateSize: task.counters.rateSize,
  };
}

/**
 * `rrext_dashboard`: `{overview, connections, tasks}` built from the simulator's own connections, subscriptions and
 * tasks, finished tasks included while they are retained. A `tk_` caller sees its own task and
 * connection only; `pk_` is refused. Neither profile sends the `apikey` field the TS SDK's type declares.
 */
export const onDashboard: Handler = async (ctx: HandlerContext) => {
  requirePermission(ctx, 'task.monitor');
  const { core, conn } = ctx;
  const userId = userIdOf(ctx);
  const lock = conn.lock;
  const tasks = core.registry.list().filter((t) => !lock || t.token === lock.token);
  const connections = [...core.connections].filter((c) => c.authenticated && (!lock || c === conn));
  const now = Date.now();
  return {
    overview: {
      totalConnections: connections.length,
      activeTasks: tasks.filter((t) => !t.completed).length,
      serverUptime: (now - core.startTime) / 1000,
    },
    connections: connections.map((c) => connectionEntry(c, tasks, userId)),
    tasks: tasks.map((t) => taskEntry(t, now)),
  };
};
