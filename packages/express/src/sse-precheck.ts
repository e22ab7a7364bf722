import { randomBytes } from 'node:crypto';
import { ConnectionError, RocketRideError, type TaskStatus } from 'rocketride-streams';
import type { SseClient, SseFilter } from './sse-handler.js';
import { isTaskNotFound } from './http-errors.js';
import type { RequestLike } from './request-info.js';

/** Ids this handler gives its messages: `<stream>.<n>`, a random stream id and a per-stream counter from 1. */
const OWN_ID = /^[0-9a-f]{12}\.[1-9][0-9]{0,15}$/;

/** A new stream id (12 hex digits), so that ids of two streams never look alike. */
export function newStreamId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * What the browser says it saw last, from the `Last-Event-ID` header its `EventSource` sends when it
 * reconnects: `undefined` on a first connection, the id when it is one this handler gives, `null`
 * for any other value (a reconnect, but not after one of our messages).
 */
export function lastEventIdOf(req: RequestLike): string | null | undefined {
  const raw = req.headers['last-event-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return undefined;
  return OWN_ID.test(value) ? value : null;
}

/** The task token of a filter that names one task; `undefined` for `token: '*'` and project filters. */
export function taskTokenOf(filter: SseFilter): string | undefined {
  const token = typeof filter === 'string' ? filter : 'token' in filter ? filter.token : undefined;
  return token === '*' ? undefined : token;
}

/**
 * Checks, before the stream is answered, what would otherwise fail after a `200`: an engine that is
 * not connected (`ERR_NOT_CONNECTED`, 503) and a token that names no running task
 * (`ERR_TASK_NOT_FOUND`, 404), with one `rrext_get_task_status` (which the subscription would
 * otherwise send itself to resolve the token). Resolves to the task's current status, when there is
 * a task to ask about.
 */
export async function precheck(rocketride: SseClient, filter: SseFilter, signal: AbortSignal): Promise<TaskStatus | undefined> {
  if (!rocketride.isConnected()) {
    throw new ConnectionError('The RocketRide engine is not connected', { code: 'ERR_NOT_CONNECTED' });
  }
  const token = taskTokenOf(filter);
  if (token === undefined) return undefined;
  try {
    return await rocketride.getTaskStatus(token, { signal });
  } catch (error) {
    if (error instanceof RocketRideError && isTaskNotFound(error)) {
      throw new RocketRideError('No running task has this token: there are no events to stream', {
        code: 'ERR_TASK_NOT_FOUND',
        ...(error.serverMessage === undefined ? {} : { serverMessage: error.serverMessage }),
        cause: error,
      });
    }
    throw error;
  }
}
