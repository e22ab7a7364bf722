import { ProtocolError, type RocketRideClient, type TaskStatus } from '@rocketride-streams/core';
import { filter, map, Observable, shareReplay, takeWhile } from 'rxjs';
import { isRecord } from './event-types.js';
import { DEFAULT_GRACE_MS, type EventsOptions, events$, reportError } from './events.js';
import { ofType } from './of-type.js';
import { sharedFor } from './registry.js';
import { checkStreamOptions, checkToken } from './arguments.js';

/** Options of `status$` and `task$`. */
export interface TaskStreamOptions extends EventsOptions {
  /** The task id (`UseResult.id`) for an exact match; default: derived from the token (see `events$`). */
  taskId?: string;
}

/**
 * The task's latest TASK_STATUS, replayed to late subscribers, completing after the first status
 * with `completed: true` (subscribe again to follow a restart under the same token).
 *
 * The engine sends a status as catch-up only when the connection's SUMMARY subscription for the
 * task is new; when this client already holds one, that catch-up is not repeated, so `status$` also
 * asks `getTaskStatus(token)` once and emits the answer unless a status event came first. One shared
 * subscription per client and token; it tears down (after the grace period) with its last subscriber.
 */
export function status$(client: RocketRideClient, token: string, options: TaskStreamOptions = {}): Observable<TaskStatus> {
  checkToken(token, 'status$');
  checkStreamOptions(options, 'status$');
  const updates = events$(
    client,
    { token, types: ['SUMMARY'], ...(options.taskId === undefined ? {} : { taskId: options.taskId }) },
    options,
  ).pipe(
    ofType('apaevt_status_update'),
    // A status event without a body object carries no status: skipped (and reported), never emitted.
    filter((event) => {
      if (isRecord(event.body)) return true;
      reportError(options, new ProtocolError('Skipped an apaevt_status_update event without a body object', { code: 'ERR_EVENT_INVALID' }));
      return false;
    }),
    map((event) => event.body),
  );
  const id = `status\u0000${token}\u0000${options.taskId ?? ''}\u0000${options.graceMs ?? DEFAULT_GRACE_MS}`;
  return sharedFor(client, id, (lifecycle) =>
    new Observable<TaskStatus>((subscriber) => {
      lifecycle.claim();
      let seen = false;
      const live = updates.subscribe({
        next: (status) => {
          seen = true;
          subscriber.next(status);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      client.getTaskStatus(token).then(
        (status) => {
          if (!seen && !subscriber.closed) subscriber.next(status);
        },
        () => {
          // The event stream reports failures (an unknown token fails the subscription itself).
        },
      );
      return () => {
        live.unsubscribe();
        lifecycle.release();
      };
    }).pipe(
      takeWhile((status) => status.completed !== true, true),
      shareReplay({ bufferSize: 1, refCount: true }),
    ),
  );
}

