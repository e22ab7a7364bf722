import type { RocketRideClient } from '@rocketride-streams/core';
import { map, type Observable } from 'rxjs';
import { type EventsOptions, events$ } from './events.js';
import { ofType } from './of-type.js';

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
    map(({ body }) => {
      const message: SseMessage = { pipeId: body.pipe_id, type: body.type };
      if (body.data !== undefined) message.data = body.data;
      if (body.__id !== undefined && body.__id !== '') message.taskId = body.__id;
      return message;
    }),
  );
}
