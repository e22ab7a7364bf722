import { EventFlag } from './flags.js';

/** Identity of a task as event routing sees it. */
export interface TaskScope {
  readonly id: string;
  readonly token: string;
  readonly projectId: string;
  readonly source: string;
}

/** A connection as the hub sees it. */
export interface Subscriber {
  /** Subscription keys (`*`, `p.<project>.*`, `p.<project>.<source>[.<pipeId>]`) → event mask. */
  readonly monitors: ReadonlyMap<string, number>;
  /** What the subscriber may receive about this task: everything, only SSE (pk_ credentials), or nothing. */
  access(task: TaskScope): 'all' | 'sse' | 'none';
  sendEvent(event: string, body: Record<string, unknown>): void;
}

/** Subscription key of a task (and optionally one of its pipes). */
export function taskKey(projectId: string, source: string, pipeId?: number): string {
  return pipeId === undefined ? `p.${projectId}.${source}` : `p.${projectId}.${source}.${pipeId}`;
}

/** Routes events to the connections whose `rrext_monitor` subscriptions match them. */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  add(sub: Subscriber): void {
    this.subscribers.add(sub);
  }

  remove(sub: Subscriber): void {
    this.subscribers.delete(sub);
  }

  /** Sends a task-scoped event (with `__id`) to every subscriber holding a matching key for `flag`, at most once each. */
  emitTask(task: TaskScope, flag: number, event: string, body: Record<string, unknown>, pipeId?: number): void {
    const keys = ['*', `p.${task.projectId}.*`, taskKey(task.projectId, task.source)];
    if (pipeId !== undefined) keys.push(taskKey(task.projectId, task.source, pipeId));
    const payload = { ...body, __id: task.id };
    for (const sub of this.subscribers) {
      if (sub.monitors.size === 0) continue;
      let mask = 0;
      for (const k of keys) mask |= sub.monitors.get(k) ?? 0;
      if ((mask & flag) === 0) continue;
      const access = sub.access(task);
      if (access === 'none' || (access === 'sse' && flag !== EventFlag.SSE)) continue;
      sub.sendEvent(event, payload);
    }
  }

  /** Sends a server-level event to `*` subscribers of `flag`. */
  emitServer(flag: number, event: string, body: Record<string, unknown>): void {
    for (const sub of this.subscribers) {
      if (((sub.monitors.get('*') ?? 0) & flag) !== 0) sub.sendEvent(event, { ...body, __id: '' });
    }
  }
}
