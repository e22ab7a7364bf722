import { ProtocolError, type RocketRideClient } from '@rocketride-streams/core';
import { filter, map, type Observable } from 'rxjs';
import { isRecord } from './event-types.js';
import { type EventsOptions, events$, reportError } from './events.js';
import { ofType } from './of-type.js';
import { checkStreamOptions, checkToken } from './arguments.js';

/** One server-sent message of a pipeline node (`apaevt_sse`). */
export interface SseMessage {
  /** The pipe it came from. */
  pipeId: number;
  /** Node-defined type, e.g. `thinking`, `answer`, `tool_call`. */
  type: string;
  data?: Record<string, unknown>;
  /** The task id (`__id`). */
  taskId?: string;
}

/** Options of `sse$`. */
export interface SseOptions extends EventsOptions {
  /** The task id (`UseResult.id`) for an exact match; default: derived from the token (see `events$`). */
  taskId?: string;
}

/**
 * The SSE messages of a task, optionally of one pipe. The server subscription is the task's SSE
 * subscription (core keys monitors by token, without a pipe), and the pipe is selected client-side.
 */
export function sse$(client: RocketRideClient, token: string, pipeId?: number, options: SseOptions = {}): Observable<SseMessage> {
  checkToken(token, 'sse$');
  checkStreamOptions(options, 'sse$');
  return events$(
    client,
    {
      token,
      types: ['SSE'],
      ...(pipeId === undefined ? {} : { pipeId }),
      ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
    },
    options,
  ).pipe(
    ofType('apaevt_sse'),
    map((event) => sseMessageOf(event.body, options)),
    filter((message): message is SseMessage => message !== undefined),
  );
}

/**
 * The message of an `apaevt_sse` body. A body that is not an object, or whose `pipe_id` is not an
 * integer, is skipped and reported (`ERR_EVENT_INVALID`); a `type` that is not a string becomes `''`
 * and a `data` that is not an object is left out, as core's `onSSE` routing does.
 */
function sseMessageOf(body: unknown, options: SseOptions): SseMessage | undefined {
  if (!isRecord(body) || !Number.isInteger(body.pipe_id)) {
    reportError(options, new ProtocolError('Skipped an apaevt_sse event without a body object and integer pipe_id', { code: 'ERR_EVENT_INVALID' }));
    return undefined;
  }
  const message: SseMessage = { pipeId: body.pipe_id as number, type: typeof body.type === 'string' ? body.type : '' };
  if (isRecord(body.data)) message.data = body.data;
  if (typeof body.__id === 'string' && body.__id !== '') message.taskId = body.__id;
  return message;
}
