import type { DAPResponse } from '../codec/types.js';
import type { RequestOptions } from '../config/options.js';

/** The project and source a task token runs (what the engine keys a token's subscriptions on). */
export interface TaskScope {
  projectId: string;
  source: string;
}

/** How many learned token → project/source facts are kept (the oldest is dropped first). */
export const TASK_SCOPE_LIMIT = 1024;

type Request = (command: string, args: Record<string, unknown>, options?: RequestOptions) => Promise<DAPResponse>;

/**
 * The one token → project/source cache of a client: learned from the `use()` and `getTaskStatus()`
 * results seen, else looked up with `rrext_get_task_status` (the only place that lookup is written).
 * The monitor registry and the SSE routes both read it.
 */
export class TaskScopes {
  readonly #known = new Map<string, TaskScope>();
  readonly #resolving = new Map<string, Promise<TaskScope | undefined>>();
  readonly #listeners: ((token: string, scope: TaskScope) => void)[] = [];

  /** `request` sends the lookup; without it (a registry on its own) nothing is ever looked up. */
  constructor(private readonly request?: Request) {}

  /** Records that `token` is the task of `projectId`/`source`; values that are not non-empty strings are ignored. */
  learn(token: string, projectId: unknown, source: unknown): void {
    if (typeof token !== 'string' || token === '' || token === '*') return;
    if (typeof projectId !== 'string' || projectId === '' || typeof source !== 'string' || source === '') return;
    this.#known.delete(token);
    this.#known.set(token, { projectId, source });
    if (this.#known.size > TASK_SCOPE_LIMIT) this.#known.delete(this.#known.keys().next().value as string);
    for (const listener of this.#listeners) listener(token, { projectId, source });
  }

  /** Calls `listener` with every fact learned from now on (the monitor registry binds waiting tokens with it). */
  onLearn(listener: (token: string, scope: TaskScope) => void): void {
    this.#listeners.push(listener);
  }

  /** What is known of `token`, without asking the engine. */
  get(token: string): TaskScope | undefined {
    return this.#known.get(token);
  }

  /**
   * Asks the engine (`rrext_get_task_status`) for the task's project/source and learns it; undefined
   * when the engine does not say (unknown token, or no `task.monitor` permission as with `pk_`
   * credentials). Without a signal, concurrent lookups of one token share one request; with one,
   * the lookup is the caller's own, so that its abort cancels only it.
   */
  lookup(token: string, signal?: AbortSignal): Promise<TaskScope | undefined> {
    if (signal !== undefined) return this.#ask(token, signal);
    const running = this.#resolving.get(token);
    if (running !== undefined) return running;
    const promise = this.#ask(token, undefined);
    const settle = () => {
      if (this.#resolving.get(token) === promise) this.#resolving.delete(token);
    };
    promise.then(settle, settle);
    this.#resolving.set(token, promise);
    return promise;
  }

  async #ask(token: string, signal: AbortSignal | undefined): Promise<TaskScope | undefined> {
    if (this.request === undefined) return undefined;
    const response = await this.request('rrext_get_task_status', { token }, signal === undefined ? undefined : { signal });
    const body = response.body as { project_id?: unknown; source?: unknown } | undefined;
    if (!response.success || typeof body?.project_id !== 'string' || typeof body.source !== 'string') return undefined;
    this.learn(token, body.project_id, body.source);
    return { projectId: body.project_id, source: body.source };
  }
}
