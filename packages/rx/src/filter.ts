import { type MonitorKey, type RocketRideEvent, ValidationError } from '@rocketride-streams/core';
import { DEFAULT_TYPES, isRecord, MONITOR_TYPES, monitorClassOf, pipeIdOf, taskIdOf } from './event-types.js';

interface FilterCommon {
  /**
   * Subscription types (case-insensitive): `SUMMARY`, `DETAIL`, `TASK`, `FLOW`, `OUTPUT`, `SSE`,
   * `DASHBOARD` (with `token: '*'` only) or `ALL`. Default: SUMMARY, DETAIL, TASK, OUTPUT, SSE.
   */
  types?: readonly string[];
  /**
   * Only events about this pipe (`apaevt_sse` by `pipe_id`, `apaevt_flow` by `id`); every other event
   * is dropped. Default: all pipes.
   */
  pipeId?: number;
}

/** Events of one task, by its token, or of every task the caller may see with `token: '*'`. */
export interface TokenFilter extends FilterCommon {
  token: string;
  /**
   * The task id (`UseResult.id`), for an exact match. Default: derived from the token: the engine's
   * task id is the token's first 8 characters (after `tk_`/`pk_`), a dot, and the source id, so any
   * `__id` with that prefix matches (see the README on why that is enough in practice).
   */
  taskId?: string;
}

/** Events of the task(s) of a project and source (`source: '*'` for every source of the project). */
export interface ProjectFilter extends FilterCommon {
  projectId: string;
  source: string;
}

/** What `events$` subscribes to and delivers. */
export type EventsFilter = TokenFilter | ProjectFilter;

/** A validated filter: the server key, the types to ask for, and a client-side matcher. */
export interface NormalizedFilter {
  /** Identity of the shared subscription (key + types + client-side narrowing). */
  id: string;
  key: MonitorKey;
  types: string[];
  /** Builds a fresh matcher (it learns task ids, so each subscription gets its own). */
  matcher(): (event: RocketRideEvent) => boolean;
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_ARGUMENT' });
}

/** The task-id prefix of a token: its first 8 characters without `tk_`/`pk_`, and a dot. */
export function taskIdPrefix(token: string): string {
  const bare = token.startsWith('tk_') || token.startsWith('pk_') ? token.slice(3) : token;
  return `${bare.slice(0, 8)}.`;
}

function normalizeTypes(types: readonly string[] | undefined): string[] {
  if (types === undefined) return [...DEFAULT_TYPES];
  if (!Array.isArray(types) || types.length === 0) throw invalid('types must be a non-empty array such as ["SUMMARY"]');
  const out = new Set<string>();
  for (const t of types) {
    if (typeof t !== 'string' || !MONITOR_TYPES.includes(t.toUpperCase())) {
      throw invalid(`Unknown event type ${JSON.stringify(t)}; use ${MONITOR_TYPES.join(', ')}`);
    }
    out.add(t.toUpperCase());
  }
  return [...out].sort();
}

interface Coordinates {
  projectId: string;
  source: string;
}

/** Project/source of the task an event is about, when the body says so. */
function coordinatesOf(event: RocketRideEvent): Coordinates | undefined {
  const b: unknown = event.body;
  if (!isRecord(b)) return undefined;
  const projectId = b.project_id ?? b.projectId;
  const source = b.source;
  return typeof projectId === 'string' && typeof source === 'string' ? { projectId, source } : undefined;
}

/** A task listed by a `running` catch-up, with the fields the matchers read. */
export interface RunningTask {
  id: string;
  name?: string;
  projectId?: string;
  source?: string;
}

/**
 * The tasks listed by an `apaevt_task {action:"running"}` catch-up; undefined for any other event, or
 * when `tasks` is not an array. Entries that are not objects with a string `id` are skipped, and only
 * string fields are kept, so a malformed catch-up can never make a matcher throw.
 */
export function runningTasks(event: RocketRideEvent): RunningTask[] | undefined {
  if (event.event !== 'apaevt_task') return undefined;
  const body: unknown = event.body;
  if (!isRecord(body) || body.action !== 'running' || !Array.isArray(body.tasks)) return undefined;
  const out: RunningTask[] = [];
  for (const t of body.tasks as unknown[]) {
    if (!isRecord(t) || typeof t.id !== 'string') continue;
    const task: RunningTask = { id: t.id };
    if (typeof t.name === 'string') task.name = t.name;
    if (typeof t.projectId === 'string') task.projectId = t.projectId;
    if (typeof t.source === 'string') task.source = t.source;
    out.push(task);
  }
  return out;
}

/**
 * Validates a filter. Throws a `ValidationError` (`ERR_INVALID_ARGUMENT`) for a bad one.
 *
 * Client-side matching: the engine sends every subscription of a connection down the same socket,
 * so an event is delivered only when its class is among `types`, it is about the filtered task(s)
 * (by `body.__id`), and, with `pipeId`, about that pipe. A TASK `running` catch-up (which has an
 * empty `__id`) is delivered when it lists a matching task.
 */
export function normalizeFilter(filter: EventsFilter): NormalizedFilter {
  if (typeof filter !== 'object' || filter === null) throw invalid('events$ needs a filter { token } or { projectId, source }');
  const types = normalizeTypes(filter.types);
  const all = types.includes('ALL');
  const pipeId = filter.pipeId;
  if (pipeId !== undefined && (!Number.isInteger(pipeId) || pipeId < 0)) throw invalid('pipeId must be a non-negative integer');

  let key: MonitorKey;
  let scopeId: string;
  let idMatcher: () => (id: string, coords: Coordinates | undefined) => boolean;
  if ('token' in filter) {
    const { token, taskId } = filter;
    if (typeof token !== 'string' || token === '') throw invalid('token must be a non-empty string');
    if (taskId !== undefined && (typeof taskId !== 'string' || taskId === '')) throw invalid('taskId must be a non-empty string');
    if (types.includes('DASHBOARD') && token !== '*') throw invalid('DASHBOARD events need token "*"');
    key = { token };
    scopeId = `t:${token}\u0000${taskId ?? ''}`;
    if (token === '*') idMatcher = () => () => true;
    else if (taskId !== undefined) idMatcher = () => (id) => id === taskId;
    else {
      const prefix = taskIdPrefix(token);
      idMatcher = () => (id) => id.startsWith(prefix);
    }
  } else {
    const { projectId, source } = filter as ProjectFilter;
    if (typeof projectId !== 'string' || projectId === '' || typeof source !== 'string' || source === '') {
      throw invalid('projectId and source must be non-empty strings');
    }
    if (types.includes('DASHBOARD')) throw invalid('DASHBOARD events need token "*"');
    key = pipeId === undefined ? { projectId, source } : { projectId, source, pipeId };
    scopeId = `p:${projectId}\u0000${source}`;
    // Task ids are `<8 chars>.<source>`; an id seen with other coordinates is not ours.
    idMatcher = () => {
      const known = new Map<string, boolean>();
      return (id, coords) => {
        if (coords !== undefined) known.set(id, coords.projectId === projectId && (source === '*' || coords.source === source));
        const k = known.get(id);
        if (k !== undefined) return k;
        return source === '*' || id.endsWith(`.${source}`);
      };
    };
  }

  const matcher = () => {
    const idOk = idMatcher();
    return (event: RocketRideEvent): boolean => {
      const cls = monitorClassOf(event.event);
      if (cls === undefined) return all && 'token' in key && key.token === '*';
      if (!all && !types.includes(cls)) return false;
      if (pipeId !== undefined) return pipeIdOf(event) === pipeId && matchesTask(event);
      return matchesTask(event);
    };
    function matchesTask(event: RocketRideEvent): boolean {
      const id = taskIdOf(event);
      if (id !== undefined) return idOk(id, coordinatesOf(event));
      const running = runningTasks(event);
      if (running !== undefined) {
        return running.some((t) =>
          idOk(t.id, t.projectId !== undefined && t.source !== undefined ? { projectId: t.projectId, source: t.source } : undefined),
        );
      }
      return 'token' in key && key.token === '*';
    }
  };

  return { id: `${scopeId}\u0000${types.join(',')}\u0000${pipeId ?? ''}`, key, types, matcher };
}
