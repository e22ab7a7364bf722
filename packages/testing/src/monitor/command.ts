import { type Handler, requestToken } from '../context.js';
import { serverFailure } from '../failure.js';
import { TaskState, notRunningStatus } from '../tasks/state.js';
import type { Task } from '../tasks/task.js';
import { EventFlag, parseTypes } from './flags.js';
import { taskKey } from './hub.js';

const EITHER = 'You must specifiy either token or project_id/source';

interface Scope {
  key: string;
  /** Tasks the key covers now. */
  tasks: Task[];
  /** For a project/source key: its coordinates, used for the "Not running" placeholder. */
  placeholder?: { projectId: string; source: string };
}

/**
 * `rrext_monitor`: sets (replaces) the event mask stored under one key for this connection, sends the SUMMARY and
 * TASK catch-up events, then answers with no body.
 */
export const onMonitor: Handler = async (ctx) => {
  const { core, conn, args } = ctx;
  const mask = parseTypes(args.types ?? args.listenType);
  const token = requestToken(ctx);
  const projectId = args.projectId ?? args.project_id;
  const source = args.source;
  const pipeId = typeof args.pipeId === 'number' ? args.pipeId : undefined;
  const hasToken = typeof token === 'string' && token !== '';
  const hasProject = typeof projectId === 'string' && projectId !== '';
  if (hasToken && hasProject && !conn.lock) throw serverFailure(`${EITHER}, not both`, 'cmd_monitor.py', 61);
  if (!hasToken && !hasProject) throw serverFailure(EITHER, 'cmd_monitor.py', 58);

  const all = core.registry.list();
  let scope: Scope;
  if (token === '*') {
    scope = { key: '*', tasks: all };
  } else if (hasToken) {
    const task = core.registry.require(token);
    scope = { key: taskKey(task.projectId, task.source, pipeId), tasks: [task] };
  } else {
    const src = typeof source === 'string' && source !== '' ? source : '*';
    const project = projectId as string;
    if (src === '*') {
      scope = { key: `p.${project}.*`, tasks: all.filter((t) => t.projectId === project) };
    } else {
      const task = all.find((t) => t.projectId === project && t.source === src);
      scope = {
        key: taskKey(project, src, pipeId),
        tasks: task ? [task] : [],
        ...(task ? {} : { placeholder: { projectId: project, source: src } }),
      };
    }
  }

  const before = conn.monitors.get(scope.key) ?? 0;
  if (mask === 0) conn.monitors.delete(scope.key);
  else conn.monitors.set(scope.key, mask);
  if (mask !== before) core.dashboard('monitor_changed', { connectionId: conn.id, key: scope.key, change: mask });

  const visible = (t: Task) => conn.access(t) !== 'none';
  const fullAccess = !conn.lock || conn.lock.kind === 'tk';
  if (fullAccess && mask & EventFlag.SUMMARY && !(before & EventFlag.SUMMARY)) {
    for (const t of scope.tasks.filter(visible)) conn.sendEvent('apaevt_status_update', { ...t.statusBody(), __id: t.id });
    if (scope.placeholder) {
      const { projectId: p, source: s } = scope.placeholder;
      conn.sendEvent('apaevt_status_update', { ...notRunningStatus(p, s), __id: `${p}.${s}` });
    }
  }
  if (fullAccess && mask & EventFlag.TASK && !(before & EventFlag.TASK)) {
    const tasks = all
      .filter((t) => visible(t) && t.state >= TaskState.STARTING && t.state <= TaskState.STOPPING)
      .map((t) => ({ id: t.id, name: t.name, projectId: t.projectId, source: t.source }));
    conn.sendEvent('apaevt_task', { action: 'running', tasks, __id: '' });
  }
  return undefined;
};
