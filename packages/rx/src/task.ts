import { ProtocolError, type RocketRideClient, type RocketRideEvent, TaskState, type TaskStatus } from '@rocketride-streams/core';
import { distinctUntilChanged, filter, map, merge, type Observable, takeWhile } from 'rxjs';
import { events$, reportError } from './events.js';
import { runningTasks, taskIdPrefix } from './filter.js';
import { ofType } from './of-type.js';
import { status$, type TaskStreamOptions } from './status.js';
import { checkStreamOptions, checkToken } from './arguments.js';

/** One step of a task's lifecycle. */
export interface TaskLifecycle {
  /**
   * `begin`: the task started; `running`: it is active (catch-up, or seen from its status);
   * `restart`: restarted under the same token; `end`: it ended (the stream completes).
   */
  action: 'begin' | 'running' | 'restart' | 'end';
  /** The task id, when known. */
  taskId?: string;
  name?: string;
  projectId?: string;
  source?: string;
  /** The status this step was derived from, if it came from one. */
  status?: TaskStatus;
}

/** The string fields of a step, copied only when they are strings (bodies come from the wire). */
function names(source: { name?: unknown; projectId?: unknown; source?: unknown }): Partial<TaskLifecycle> {
  const out: Partial<TaskLifecycle> = {};
  if (typeof source.name === 'string') out.name = source.name;
  if (typeof source.projectId === 'string') out.projectId = source.projectId;
  if (typeof source.source === 'string') out.source = source.source;
  return out;
}

function fromStatus(status: TaskStatus): TaskLifecycle | undefined {
  const base = { ...names({ name: status.name, projectId: status.project_id, source: status.source }), status };
  const withId = typeof status.__id === 'string' && status.__id !== '' ? { ...base, taskId: status.__id } : base;
  if (status.completed === true) return { action: 'end', ...withId };
  if (typeof status.state === 'number' && status.state >= TaskState.STARTING && status.state <= TaskState.STOPPING) {
    return { action: 'running', ...withId };
  }
  return undefined;
}

/** What an `apaevt_task` event means for the task: a step, nothing (not about it), or a malformed body. */
type TaskEventMeaning = TaskLifecycle | undefined | { malformed: string };

/**
 * The step an `apaevt_task` event means for the task `mine` recognises: undefined for a catch-up that
 * does not list it, `{ malformed }` for a body of another shape (no object, an unknown `action`,
 * `tasks` not an array), which is skipped and reported, never an error of the stream.
 */
function fromTaskEvent(event: RocketRideEvent, mine: (id: string) => boolean): TaskEventMeaning {
  const body: unknown = event.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { malformed: 'has no body object' };
  const { action, __id: id } = body as { action?: unknown; __id?: unknown };
  if (action === 'running') {
    const listed = runningTasks(event);
    if (listed === undefined) return { malformed: 'is a "running" catch-up whose "tasks" is not an array' };
    const t = listed.find((x) => mine(x.id));
    return t === undefined ? undefined : { action: 'running', taskId: t.id, ...names(t) };
  }
  if (action !== 'begin' && action !== 'restart' && action !== 'end') return { malformed: 'has an unknown "action"' };
  const step: TaskLifecycle = { action, ...names(body as Record<string, unknown>) };
  if (typeof id === 'string' && id !== '') step.taskId = id;
  return step;
}

/**
 * The task's lifecycle (TASK events, plus its status for the steps the engine does not repeat):
 * `running` (or `begin`) while it is active, then `end`, after which the stream completes. A task
 * that has already ended yields `end` at once. Consecutive repeats of one action are collapsed.
 * A TASK event of another shape (no body object, an unknown `action`, a catch-up whose `tasks` is not
 * an array) is skipped and reported to `options.onError` as a ProtocolError `ERR_EVENT_INVALID`.
 */
export function task$(client: RocketRideClient, token: string, options: TaskStreamOptions = {}): Observable<TaskLifecycle> {
  checkToken(token, 'task$');
  checkStreamOptions(options, 'task$');
  const prefix = taskIdPrefix(token);
  const mine = (id: string) => (options.taskId === undefined ? id.startsWith(prefix) : id === options.taskId);
  const taskEvents = events$(
    client,
    { token, types: ['TASK'], ...(options.taskId === undefined ? {} : { taskId: options.taskId }) },
    options,
  ).pipe(
    ofType('apaevt_task'),
    map((event) => {
      const meaning = fromTaskEvent(event, mine);
      if (meaning === undefined || 'action' in meaning) return meaning;
      reportError(options, new ProtocolError(`Skipped an apaevt_task event that ${meaning.malformed}`, { code: 'ERR_EVENT_INVALID' }));
      return undefined;
    }),
  );
  return merge(taskEvents, status$(client, token, options).pipe(map(fromStatus))).pipe(
    filter((step): step is TaskLifecycle => step !== undefined),
    distinctUntilChanged((a, b) => a.action === b.action),
    takeWhile((step) => step.action !== 'end', true),
  );
}
