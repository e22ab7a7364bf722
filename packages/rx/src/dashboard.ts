import { type DashboardSnapshot, MAX_TIMER_MS, readArgument, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { checkClient } from './arguments.js';
import { exhaustMap, type Observable, ReplaySubject, share, timer } from 'rxjs';

/** Options of `dashboard$`. */
export interface DashboardOptions {
  /** Milliseconds between the start of one poll and the next [5000]. A poll still in flight skips the next tick. */
  interval?: number;
}

/** The default `dashboard$` polling interval in ms. */
export const DEFAULT_DASHBOARD_INTERVAL_MS = 5000;

function checkInterval(options: unknown): number {
  if (options === undefined) return DEFAULT_DASHBOARD_INTERVAL_MS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError('dashboard$: options must be an object', { code: 'ERR_INVALID_OPTION' });
  }
  const interval = readArgument('dashboard$: options', () => (options as Record<string, unknown>).interval);
  if (interval === undefined) return DEFAULT_DASHBOARD_INTERVAL_MS;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0 || interval > MAX_TIMER_MS) {
    throw new ValidationError(`dashboard$: interval must be a number of milliseconds above 0 and at most ${MAX_TIMER_MS}`, {
      code: 'ERR_INVALID_OPTION',
    });
  }
  return interval;
}

/**
 * The server's dashboard (`client.getDashboard()`), polled every `interval` ms while subscribed: the first poll
 * goes out on subscription, and the subscribers of one returned Observable share one poll loop and get the latest
 * snapshot when they join. When the last subscriber leaves, polling stops (no timer and no request remain); a later
 * subscriber starts afresh. A failed poll (e.g. `ERR_DASHBOARD` for a caller without `task.monitor`, or a lost
 * connection) errors the stream with the coded error; add `retry()` to keep polling through failures.
 * @throws ValidationError `ERR_INVALID_OPTION` for a bad `interval`, before anything is sent.
 */
export function dashboard$(client: RocketRideClient, options?: DashboardOptions): Observable<DashboardSnapshot> {
  checkClient(client, 'dashboard$', ['getDashboard']);
  const interval = checkInterval(options);
  return timer(0, interval).pipe(
    exhaustMap(() => client.getDashboard()),
    share({ connector: () => new ReplaySubject<DashboardSnapshot>(1), resetOnRefCountZero: true, resetOnError: true, resetOnComplete: true }),
  );
}
