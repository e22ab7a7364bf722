import type { EventBodies, KnownEvent, RocketRideEvent } from '@rocketride-streams/core';

/** The name of an event the engine (or the client) is known to send. */
export type EventName = keyof EventBodies;

/** The event whose name is `K`, with its typed body. */
export type EventOf<K extends EventName> = Extract<KnownEvent, { event: K }>;

/** Subscription classes an event can belong to. */
export type MonitorClass = 'SUMMARY' | 'DETAIL' | 'TASK' | 'FLOW' | 'OUTPUT' | 'SSE' | 'DASHBOARD';

/** Subscription types accepted by `events$` (case-insensitive): the classes above plus `ALL`. */
export const MONITOR_TYPES: readonly string[] = ['SUMMARY', 'DETAIL', 'TASK', 'FLOW', 'OUTPUT', 'SSE', 'DASHBOARD', 'ALL'];

/** Default `types` of `events$`: every task-scoped class except FLOW (which can be very chatty). */
export const DEFAULT_TYPES: readonly string[] = ['SUMMARY', 'DETAIL', 'TASK', 'OUTPUT', 'SSE'];

/**
 * The subscription class an event arrives under, or undefined for events outside `rrext_monitor`
 * (`apaext_account`, the client-made `apaevt_status_upload`, anything unknown).
 */
export function monitorClassOf(name: string): MonitorClass | undefined {
  if (typeof name !== 'string') return undefined;
  switch (name) {
    case 'apaevt_status_update':
      return 'SUMMARY';
    case 'apaevt_status_upload':
      return undefined;
    case 'apaevt_task':
      return 'TASK';
    case 'apaevt_flow':
      return 'FLOW';
    case 'output':
      return 'OUTPUT';
    case 'apaevt_sse':
      return 'SSE';
    case 'apaevt_dashboard':
      return 'DASHBOARD';
    default:
      return name.startsWith('apaevt_status_') ? 'DETAIL' : undefined;
  }
}

/** Whether a value is a plain object (an event body may be missing or of any shape). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The task id an event carries (`body.__id`), or undefined when it has none (or an empty one). */
export function taskIdOf(event: RocketRideEvent): string | undefined {
  const body: unknown = event.body;
  const id = isRecord(body) ? body.__id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The pipe id an event refers to: `pipe_id` of `apaevt_sse`, `id` of `apaevt_flow`. */
export function pipeIdOf(event: RocketRideEvent): number | undefined {
  const body: unknown = event.body;
  if (!isRecord(body)) return undefined;
  const value = event.event === 'apaevt_sse' ? body.pipe_id : event.event === 'apaevt_flow' ? body.id : undefined;
  return typeof value === 'number' ? value : undefined;
}
