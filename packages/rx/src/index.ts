export { events$, DEFAULT_GRACE_MS, type EventsOptions } from './events.js';
export type { EventsFilter, ProjectFilter, TokenFilter } from './filter.js';
export { ofType } from './of-type.js';
export { DEFAULT_TYPES, MONITOR_TYPES, type EventName, type EventOf, type MonitorClass } from './event-types.js';
export { status$, type TaskStreamOptions } from './status.js';
export { task$, type TaskLifecycle } from './task.js';
export { sse$, type SseMessage, type SseOptions } from './sse.js';
export { connection$, type ConnectionState } from './connection.js';
export { progress$, type ProgressSource, type SinkProgress } from './progress.js';
