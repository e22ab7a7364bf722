import { inspect } from 'node:util';
import {
  AbortError,
  AuthenticationError,
  type CallOptions,
  checkCallOptions,
  ConnectionError,
  type ConnectedInfo,
  type DisconnectedInfo,
  describeValue,
  ExecutionError,
  readArgument,
  RocketRideClient,
  type RocketRideError,
  type RocketRideEvent,
  type UseOptions,
  ValidationError,
} from '@rocketride-streams/core';
import { untilAborted } from '@rocketride-streams/core/internal';
import type { EventsFilter, EventsOptions, TaskStreamOptions } from '@rocketride-streams/rx';
import { BehaviorSubject, type Observable } from 'rxjs';
import { type EngineHealth, errorSummary, PoolEngine, Replica } from './engine.js';
import { poolEvents$, type PoolEvent, poolStatus$, type PoolTaskStatus } from './observe.js';
import { type CheckedPoolOptions, checkPoolOptions, type PoolOptions, type PoolStrategy } from './options.js';
import { PoolTask } from './pool-task.js';
import { Router } from './router.js';
import { checkUse, type PoolUseOptions } from './use-options.js';

/** The engine default for `threads` (PROTOCOL.md §5.2): a replica's capacity when `threads` is not given. */
const ENGINE_DEFAULT_THREADS = 64;

/**
 * Several RocketRide engines as one for the streams API (`connectPool()`). Each engine has its own
 * client in persist mode: an engine that drops is reconnected with the client's backoff, its tasks
 * are started again there (same token, `useExisting`) and it comes back into rotation.
 */
export class RocketRidePool {
  readonly #engines: PoolEngine[];
  readonly #strategy: PoolStrategy;
  readonly #tasks = new Set<PoolTask>();
  readonly #health: BehaviorSubject<EngineHealth[]>;
  /** Emits whenever a replica changes (started, in or out of rotation), for the event streams. */
  readonly #changes = new BehaviorSubject<void>(undefined);
  readonly #unlisten: Array<() => void> = [];
  #closed: ConnectionError | undefined;

  private constructor(checked: CheckedPoolOptions) {
    this.#strategy = checked.strategy;
    // Every client is built (and every address checked) before any socket opens.
    this.#engines = checked.engines.map((e, i) => new PoolEngine(i, e.name, e.client, (o) => new RocketRideClient(o)));
    const seen = new Map<string, string>();
    for (const engine of this.#engines) {
      for (const [key, what] of [
        [engine.uri, 'address'],
        [engine.name, 'name'],
      ] as const) {
        if (seen.has(`${what}\u0000${key}`)) throw new ValidationError(`connectPool() options.engines has the ${what} ${key} twice`, { code: 'ERR_INVALID_OPTION' });
        seen.set(`${what}\u0000${key}`, key);
      }
    }
    this.#health = new BehaviorSubject(this.health());
    for (const engine of this.#engines) this.#listen(engine);
  }

  /** Builds the pool and connects every engine; see {@link connectPool}. */
  static async connect(options: PoolOptions = {}): Promise<RocketRidePool> {
    const checked = checkPoolOptions(options);
    const pool = new RocketRidePool(checked);
    const signal = checked.signal;
    if (signal?.aborted) {
      await pool.disconnect();
      throw new AbortError('connectPool() was aborted', { cause: signal.reason });
    }
    const outcomes = await Promise.allSettled(pool.#engines.map((e) => e.client.connect(undefined, signal ? { signal } : undefined)));
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ engine: pool.#engines[i]!, error: o.reason as RocketRideError }] : []));
    const refused = failures.find((f) => f.error instanceof AuthenticationError);
    if (signal?.aborted || refused || failures.length === pool.#engines.length) {
      await pool.disconnect();
      if (signal?.aborted) throw new AbortError('connectPool() was aborted', { cause: signal.reason });
      if (refused) throw new AuthenticationError(`Engine ${refused.engine.name}: ${refused.error.message}`, { code: (refused.error as AuthenticationError).code, cause: refused.error });
      const list = failures.map((f) => `${f.engine.name}: ${f.error.code ?? 'ERR_CONNECT_FAILED'}`).join(', ');
      throw new ConnectionError(`No engine of the pool could be reached (${list})`, { code: 'ERR_NO_ENGINE', cause: failures[0]?.error });
    }
    return pool;
  }

  #listen(engine: PoolEngine): void {
    const client = engine.client;
    const onConnected = (_info: ConnectedInfo) => {
      engine.lastError = undefined;
      for (const task of this.#tasks) for (const replica of task.internalReplicas) if (replica.engine === engine) this.#restart(task, replica);
      this.#changed();
    };
    const onDisconnected = (info: DisconnectedInfo) => {
      if (info.hasError || !this.#closed) engine.lastError = { code: 'ERR_CONNECTION_LOST', message: info.reason };
      this.#changed();
    };
    const onConnectError = (error: RocketRideError) => {
      if (!this.#closed) engine.lastError = errorSummary(error);
      this.#changed();
    };
    const onReconnecting = () => this.#changed();
    client.on('connected', onConnected);
    client.on('disconnected', onDisconnected);
    client.on('connectError', onConnectError);
    client.on('reconnecting', onReconnecting);
    this.#unlisten.push(() => {
      client.off('connected', onConnected);
      client.off('disconnected', onDisconnected);
      client.off('connectError', onConnectError);
      client.off('reconnecting', onReconnecting);
    });
  }

  /** Publishes the engines' health, lets waiting uploads look again, and tells the event streams. */
  #changed(): void {
    if (this.#closed) return;
    this.#health.next(this.health());
    for (const task of this.#tasks) task.router.notify();
    this.#changes.next();
  }

  /**
   * (Re)starts `task` on the replica's engine: with the token that engine issued before (and
   * `useExisting`, so a task that survived a dropped connection is joined), or a fresh start for a
   * replica that never ran. The replica is in rotation once the engine confirmed it on this connection.
   */
  #restart(task: PoolTask, replica: Replica): Promise<Error | undefined> {
    if (replica.starting || task.terminated || this.#closed) return Promise.resolve(undefined);
    const client = replica.engine.client;
    const generation = client.generation;
    const options: UseOptions = { ...task.useOptions };
    if (replica.token !== undefined) Object.assign(options, { token: replica.token, useExisting: true });
    let failure: Error | undefined;
    const run = client.use(options).then(
      (result) => {
        replica.token = result.token;
        replica.generation = generation;
        // terminate() ran while this start was in flight (it saw no token here): stop what the engine just started.
        if (task.terminated && !this.#closed) client.terminate(result.token).catch(() => {});
      },
      (error: RocketRideError) => {
        failure = error;
        if (!this.#closed) replica.engine.lastError = errorSummary(error);
      },
    );
    replica.starting = run;
    return run.then(() => {
      replica.starting = undefined;
      this.#changed();
      // The connection changed while it started: start it on the new one.
      if (!this.#closed && client.isConnected() && client.generation !== generation) void this.#restart(task, replica);
      return failure;
    });
  }

  /** The engines' names, in the order given. */
  get engines(): string[] {
    return this.#engines.map((e) => e.name);
  }

  /** Each engine's health now. */
  health(): EngineHealth[] {
    return this.#engines.map((e) => e.health());
  }

  /** Each engine's health: the current list at once, then a new list on every change (connection, open pipes, errors). */
  engines$(): Observable<EngineHealth[]> {
    return this.#health.asObservable();
  }

  /**
   * Starts `pipeline` (an object, or the path of a `.json`/`.pipe` file) on `replicas` engines and
   * resolves to a {@link PoolTask} holding one token per engine. `'all'` (the default) also covers
   * engines that are down now: the task starts there when they connect. A number picks that many
   * connected engines, those running the fewest pool tasks first. With `useExisting`, a running task
   * of the same token is joined on each engine, as `rocketride.use()` does.
   * @throws ValidationError for bad arguments (nothing sent); ConnectionError `ERR_NO_ENGINE` when
   *   too few engines are connected; the engine's ExecutionError when it refuses the pipeline (the
   *   replicas already started are terminated).
   */
  async use(pipeline: Record<string, unknown> | string, options: PoolUseOptions = {}): Promise<PoolTask> {
    if (this.#closed) throw this.#closed;
    const { replicas, signal, use } = checkUse(pipeline, options, this.#engines.length);
    const connected = this.#engines.filter((e) => e.connected);
    let chosen: PoolEngine[];
    if (replicas === 'all') chosen = this.#engines;
    else {
      const load = (e: PoolEngine) => [...this.#tasks].filter((t) => t.internalReplicas.some((r) => r.engine === e)).length;
      chosen = [...connected].sort((a, b) => load(a) - load(b) || a.index - b.index).slice(0, replicas);
    }
    const needed = replicas === 'all' ? 1 : replicas;
    if (connected.filter((e) => chosen.includes(e)).length < needed) {
      throw new ConnectionError(`pool.use() needs ${needed} connected engine(s), ${connected.length} of ${this.#engines.length} are connected`, { code: 'ERR_NO_ENGINE' });
    }
    const capacity = use.threads ?? ENGINE_DEFAULT_THREADS;
    const list = chosen.map((e) => new Replica(e, capacity));
    const task = new PoolTask(list, new Router(list, this.#strategy, () => this.#changed()), use, () => this.#closed);
    if (signal?.aborted) throw new AbortError('pool.use() was aborted', { cause: signal.reason });
    // Not the caller's signal on each engine's execute: an aborted execute drops the engine's answer, and with it the
    // token of a task the engine may have started. The starts run on; an abort rejects here at once, and marks the
    // task terminated, so that each start that still answers stops its task (see #restart).
    const starting = Promise.all(list.map((r) => (r.engine.connected ? this.#restart(task, r) : Promise.resolve(undefined))));
    let outcomes: Array<Error | undefined>;
    try {
      outcomes = await untilAborted(starting, signal, 'pool.use()');
    } catch (aborted) {
      task.markTerminated(aborted as AbortError);
      await Promise.allSettled(list.filter((r) => r.token !== undefined).map((r) => r.engine.client.terminate(r.token!)));
      throw aborted;
    }
    const refusal = outcomes.find((e) => e !== undefined && !(e instanceof ConnectionError));
    const started = list.filter((r) => r.token !== undefined);
    if (refusal || started.length === 0 || this.#closed) {
      await Promise.allSettled(started.map((r) => r.engine.client.terminate(r.token!)));
      throw this.#closed ?? refusal ?? new ConnectionError('pool.use(): the pipeline started on no engine (each connection failed)', { code: 'ERR_NO_ENGINE', cause: outcomes.find(Boolean) });
    }
    this.#tasks.add(task);
    this.#changed();
    return task;
  }

  #own(task: unknown, method: string): PoolTask {
    if (!readArgument(`pool.${method}(): task`, () => task instanceof PoolTask) || !this.#tasks.has(task as PoolTask)) {
      throw new ValidationError(`pool.${method}() takes a PoolTask of this pool (from pool.use())`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    return task as PoolTask;
  }

  /**
   * Stops the task on every engine it runs on; it takes no pipe from then on. Rejects with
   * ExecutionError `ERR_TERMINATE` naming the engines where it could not be stopped (an engine that
   * is down ends it with its own `ttl`).
   */
  async terminate(task: PoolTask, options?: CallOptions): Promise<void> {
    if (this.#closed) throw this.#closed;
    const own = this.#own(task, 'terminate');
    // Checked before the task is marked terminated: a bad argument must leave it running and in the pool.
    checkCallOptions(options, 'pool.terminate()');
    own.markTerminated(new ValidationError('The pool task was terminated; start it again with pool.use()', { code: 'ERR_TASK_TERMINATED' }));
    this.#tasks.delete(own);
    const outcomes = await Promise.allSettled(
      own.internalReplicas.map((r) =>
        r.token === undefined ? Promise.resolve() : r.engine.client.terminate(r.token, options),
      ),
    );
    this.#changed();
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${own.internalReplicas[i]!.engine.name}: ${(o.reason as Error).message}`] : []));
    if (failed.length > 0) {
      const first = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      throw new ExecutionError(`pool.terminate(): not stopped on ${failed.join('; ')}`, { code: 'ERR_TERMINATE', cause: first.reason });
    }
  }

  /** The engines' events for a PoolTask (each replica's token on its own engine) or a filter applied on every engine, each tagged with `engine`. */
  events$(target: PoolTask | EventsFilter, options?: EventsOptions): Observable<PoolEvent> {
    // After disconnect() the pool holds no task and no engine any more: say so, rather than call the task foreign.
    if (this.#closed) throw this.#closed;
    const task = readArgument('pool.events$(): target', () => target instanceof PoolTask) ? this.#own(target, 'events$') : undefined;
    // Without this, a missing target was taken for a task with no replica: a stream that never emits.
    if (task === undefined && (typeof target !== 'object' || target === null)) {
      throw new ValidationError(`pool.events$() takes a PoolTask of this pool or an events filter { token } or { projectId, source } (got ${describeValue(target)})`, {
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    const sources = task
      ? task.internalReplicas.map((r) => ({ engine: r.engine, token: () => (r.ready ? r.token : undefined), key: () => `${r.token}\u0000${r.generation}` }))
      : this.#engines.map((e) => ({ engine: e, token: () => undefined, key: () => '' }));
    return poolEvents$(sources, this.#changes, task ? undefined : (target as EventsFilter), options);
  }

  /** The task's TASK_STATUS on each engine and the counters summed over them; a new value on every engine's update. */
  status$(task: PoolTask, options?: TaskStreamOptions): Observable<PoolTaskStatus> {
    if (this.#closed) throw this.#closed;
    const own = this.#own(task, 'status$');
    const sources = own.internalReplicas.map((r) => ({ engine: r.engine, token: () => (r.ready ? r.token : undefined), key: () => `${r.token}\u0000${r.generation}` }));
    return poolStatus$(sources, this.#changes, options);
  }

  /**
   * Disconnects every engine. Uploads waiting for a slot reject with `ERR_DISCONNECTED`; pipes in
   * flight fail as on a plain client's disconnect (never committed unless `close` was answered).
   */
  async disconnect(): Promise<void> {
    if (!this.#closed) {
      this.#closed = new ConnectionError('The pool was disconnected', { code: 'ERR_DISCONNECTED' });
      for (const task of this.#tasks) task.router.close(this.#closed);
      this.#tasks.clear();
    }
    await Promise.allSettled(this.#engines.map((e) => e.client.disconnect()));
    for (const off of this.#unlisten.splice(0)) off();
    this.#health.next(this.health());
    this.#health.complete();
    this.#changes.complete();
  }

  /** `await using pool = await connectPool(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect();
  }

  /** What `JSON.stringify(pool)` shows: the engines' health and the number of tasks; never a credential or token. */
  toJSON(): { engines: EngineHealth[]; tasks: number; closed: boolean } {
    return { engines: this.health(), tasks: this.#tasks.size, closed: this.#closed !== undefined };
  }

  [inspect.custom](_depth: number, options: object): string {
    return `RocketRidePool ${inspect(this.toJSON(), options)}`;
  }
}

/**
 * Connects to several engines and resolves to a {@link RocketRidePool} once each has been tried, at
 * least one connected (the others keep reconnecting with the client's backoff).
 * @throws ValidationError (`ERR_INVALID_OPTION`, `ERR_INVALID_URI`) before any socket opens;
 *   AuthenticationError when an engine refuses the credential; ConnectionError `ERR_NO_ENGINE` when
 *   no engine could be reached; AbortError when `signal` aborts.
 */
export function connectPool(options?: PoolOptions): Promise<RocketRidePool> {
  return RocketRidePool.connect(options);
}

export type { RocketRideEvent };
