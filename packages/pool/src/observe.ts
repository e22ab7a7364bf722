import { readArgument, type RocketRideError, type RocketRideEvent, type TaskStatus, ValidationError } from '@rocketride-streams/core';
import { type EventsFilter, type EventsOptions, events$, status$, type TaskStreamOptions } from '@rocketride-streams/rx';
import { catchError, combineLatest, distinctUntilChanged, EMPTY, filter, map, merge, type Observable, startWith, switchMap } from 'rxjs';
import type { PoolEngine } from './engine.js';

/** An engine event, tagged with the engine it came from. */
export type PoolEvent = RocketRideEvent & { engine: string };

/** The object and byte counters of a TASK_STATUS (core's `TaskCounters`, which its index does not export). */
export type TaskCounters = Pick<
  TaskStatus,
  'totalSize' | 'totalCount' | 'completedSize' | 'completedCount' | 'failedSize' | 'failedCount' | 'wordsSize' | 'wordsCount' | 'rateSize' | 'rateCount'
>;

/** A PoolTask's status: each engine's latest TASK_STATUS, and their counters summed. */
export interface PoolTaskStatus {
  engines: Record<string, TaskStatus>;
  totals: TaskCounters;
  /** Every engine that reported a status reported it completed. */
  completed: boolean;
}

/** What the streams follow on one engine: the replica's token while in rotation, and a key that changes when it restarts. */
export interface StreamSource {
  engine: PoolEngine;
  token(): string | undefined;
  key(): string;
}

const COUNTERS: ReadonlyArray<keyof TaskCounters> = [
  'totalSize',
  'totalCount',
  'completedSize',
  'completedCount',
  'failedSize',
  'failedCount',
  'wordsSize',
  'wordsCount',
  'rateSize',
  'rateCount',
];

function checkOptions(options: unknown, factory: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError(`pool.${factory}: options must be an object`, { code: 'ERR_INVALID_OPTION' });
  }
  const { onError, graceMs } = readArgument(`pool.${factory}: options`, () => ({ ...(options as Record<string, unknown>) }));
  if (onError !== undefined && typeof onError !== 'function') throw new ValidationError(`pool.${factory}: onError must be a function`, { code: 'ERR_INVALID_OPTION' });
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0)) {
    throw new ValidationError(`pool.${factory}: graceMs must be a non-negative number`, { code: 'ERR_INVALID_OPTION' });
  }
}

/** One engine's failure ends that engine's part only: it goes to `options.onError`, the other engines go on. */
function reported<T>(options: EventsOptions | undefined): (error: unknown) => Observable<T> {
  return (error) => {
    try {
      options?.onError?.(error as RocketRideError);
    } catch {
      // The callback's own failure has nowhere else to go.
    }
    return EMPTY;
  };
}

/** Follows a replica: a new subscription each time it (re)enters rotation under a new key. */
function follow<T>(source: StreamSource, changes: Observable<void>, make: (token: string) => Observable<T>, options: EventsOptions | undefined): Observable<T> {
  return changes.pipe(
    map(() => (source.token() === undefined ? undefined : source.key())),
    filter((key): key is string => key !== undefined),
    distinctUntilChanged(),
    switchMap(() => make(source.token()!).pipe(catchError(reported<T>(options)))),
  );
}

export function poolEvents$(sources: StreamSource[], changes: Observable<void>, eventsFilter: EventsFilter | undefined, options?: EventsOptions): Observable<PoolEvent> {
  checkOptions(options, 'events$()');
  const parts = sources.map((source) => {
    const tag = map((event: RocketRideEvent): PoolEvent => ({ ...event, engine: source.engine.name }));
    if (eventsFilter !== undefined) return events$(source.engine.client, eventsFilter, options).pipe(catchError(reported<RocketRideEvent>(options)), tag);
    return follow(source, changes, (token) => events$(source.engine.client, { token }, options), options).pipe(tag);
  });
  return merge(...parts);
}

export function poolStatus$(sources: StreamSource[], changes: Observable<void>, options?: TaskStreamOptions): Observable<PoolTaskStatus> {
  checkOptions(options, 'status$()');
  const parts = sources.map((source) =>
    follow(source, changes, (token) => status$(source.engine.client, token, options), options).pipe(
      map((status): [string, TaskStatus | undefined] => [source.engine.name, status]),
      startWith<[string, TaskStatus | undefined]>([source.engine.name, undefined]),
    ),
  );
  return combineLatest(parts).pipe(
    map((list) => {
      const engines: Record<string, TaskStatus> = {};
      const totals = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as unknown as TaskCounters;
      for (const [name, status] of list) {
        if (status === undefined) continue;
        engines[name] = status;
        for (const k of COUNTERS) {
          const value = status[k];
          totals[k] += typeof value === 'number' ? value : 0;
        }
      }
      const reported = Object.values(engines);
      return { engines, totals, completed: reported.length > 0 && reported.every((s) => s.completed === true) };
    }),
    filter((s) => Object.keys(s.engines).length > 0),
  );
}
