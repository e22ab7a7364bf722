import { type RocketRideClient, TaskState, type TaskStatus } from '@rocketride-streams/core';
import { distinctUntilChanged, filter, map, merge, type Observable, takeWhile } from 'rxjs';
import { events$ } from './events.js';
import { taskIdPrefix } from './filter.js';
import { ofType } from './of-type.js';
import { status$, type TaskStreamOptions } from './status.js';

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

function fromStatus(status: TaskStatus): TaskLifecycle | undefined {
  const base = { name: status.name, projectId: status.project_id, source: status.source, status };
  const withId = typeof status.__id === 'string' && status.__id !== '' ? { ...base, taskId: status.__id } : base;
  if (status.completed === true) return { action: 'end', ...withId };
  if (status.state >= TaskState.STARTING && status.state <= TaskState.STOPPING) return { action: 'running', ...withId };
  return undefined;
}

/**
 * The task's lifecycle (TASK events, plus its status for the steps the engine does not repeat):
 * `running` (or `begin`) while it is active, then `end`, after which the stream completes. A task
 * that has already ended yields `end` at once. Consecutive repeats of one action are collapsed.
 */
export function task$(client: RocketRideClient, token: string, options: TaskStreamOptions = {}): Observable<TaskLifecycle> {
  const prefix = taskIdPrefix(token);
  const mine = (id: string) => (options.taskId === undefined ? id.startsWith(prefix) : id === options.taskId);
  const taskEvents = events$(
    client,
    { token, types: ['TASK'], ...(options.taskId === undefined ? {} : { taskId: options.taskId }) },
    options,
  ).pipe(
    ofType('apaevt_task'),
    map((event): TaskLifecycle | undefined => {
      const body = event.body;
      if (body.action === 'running') {
        const t = body.tasks?.find((x) => mine(x.id));
        return t === undefined ? undefined : { action: 'running', taskId: t.id, name: t.name, projectId: t.projectId, source: t.source };
      }
      const step: TaskLifecycle = { action: body.action };
      if (body.__id !== undefined && body.__id !== '') step.taskId = body.__id;
      if (body.name !== undefined) step.name = body.name;
      if (body.projectId !== undefined) step.projectId = body.projectId;
      if (body.source !== undefined) step.source = body.source;
      return step;
    }),
  );
  return merge(taskEvents, status$(client, token, options).pipe(map(fromStatus))).pipe(
    filter((step): step is TaskLifecycle => step !== undefined),
    distinctUntilChanged((a, b) => a.action === b.action),
    takeWhile((step) => step.action !== 'end', true),
  );
}
