import type { Connection } from './connection.js';
import { Faults } from './faults.js';
import { BoundedLog } from './history.js';
import { corsOriginsFromEnv } from './http/cors.js';
import { EventFlag } from './monitor/flags.js';
import { EventHub } from './monitor/hub.js';
import type { PipeRecordImpl } from './pipes/record.js';
import type { Task } from './tasks/task.js';
import { rocketrideEnv } from './tasks/env.js';
import { TaskRegistry } from './tasks/registry.js';
import { isObject } from './util.js';
import {
  DEFAULT_MAX_PIPE_HISTORY,
  DEFAULT_MAX_REQUEST_LOG,
  DEFAULT_TIMING,
  type EngineOptions,
  type EngineProfile,
  type EngineTiming,
  type MalformedKind,
  type ReceivedRequest,
} from './types.js';

/** Everything the connections, handlers and HTTP routes share. */
export class EngineCore {
  readonly timing: EngineTiming;
  readonly profile: EngineProfile;
  readonly apiKey: string | undefined;
  readonly maxUnauthenticatedPerIp: number;
  /** Keep payloads and the request log (EngineOptions.record). */
  readonly record: boolean;
  readonly hub = new EventHub();
  readonly registry: TaskRegistry;
  readonly faults: Faults;
  /** Every pipe opened (with its task), oldest first, bounded by `maxPipeHistory`; a task's records leave with it. */
  readonly pipeHistory: BoundedLog<{ record: PipeRecordImpl; task: Task }>;
  /** The inspection log of requests (when recording), bounded by `maxRequestLog`. */
  readonly requestLog: BoundedLog<ReceivedRequest>;
  readonly connections = new Set<Connection>();
  /** Unauthenticated connections per client IP. */
  readonly unauthenticated = new Map<string, number>();
  readonly startTime = Date.now();
  /** Allowed CORS origins; empty = every origin without credentials. */
  readonly corsOrigins: readonly string[];
  /** The server's own `ROCKETRIDE_*` variables (placeholder substitution). */
  readonly serverEnv: Readonly<Record<string, string>>;
  private readonly logFn: ((line: string) => void) | undefined;

  constructor(
    options: EngineOptions,
    pushMalformed: (kind: MalformedKind) => void,
    pushFrame?: (data: string | Buffer, binary: boolean) => void,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.profile = options.profile ?? 'intended';
    this.apiKey = options.apiKey;
    this.maxUnauthenticatedPerIp = options.maxUnauthenticatedPerIp ?? 10;
    this.record = options.record ?? true;
    this.logFn = options.log;
    this.pipeHistory = new BoundedLog(historyLimit(options.maxPipeHistory, DEFAULT_MAX_PIPE_HISTORY, 'maxPipeHistory'));
    this.requestLog = new BoundedLog(historyLimit(options.maxRequestLog, DEFAULT_MAX_REQUEST_LOG, 'maxRequestLog'));
    this.serverEnv = rocketrideEnv(options.env ?? process.env);
    this.corsOrigins = options.corsOrigins ?? corsOriginsFromEnv(process.env.RR_CORS_ORIGINS);
    this.faults = new Faults(
      { ackDelayMs: options.ackDelayMs ?? 0, writeJitterMs: options.writeJitterMs ?? 0, eventLagMs: options.eventLagMs ?? 0 },
      pushMalformed,
      pushFrame,
    );
    this.registry = new TaskRegistry({
      hub: this.hub,
      statusThrottleMs: this.timing.statusThrottleMs,
      serverEnv: this.serverEnv,
      deferEvent: (emit) => this.faults.deferEvent(emit),
      record: this.record,
      recordPipe: (record, task) => this.pipeHistory.push({ record, task }),
      forgetPipes: (task) => {
        const dropped = this.pipeHistory.removeWhere((e) => e.task === task);
        if (dropped > 0) this.log(`dropped ${dropped} pipe records of task ${task.id}`);
      },
      taskRemoved: (task, stillKnown) => {
        if (!stillKnown) this.dropSubscriptions(task.projectId, task.source);
        this.dashboard('task_removed', { taskId: task.id });
      },
      log: (line) => this.log(line),
    });
  }

  /** Broadcasts an `apaevt_dashboard` event to `*` DASHBOARD subscribers. */
  dashboard(action: string, fields: Record<string, unknown> = {}): void {
    this.hub.emitServer(EventFlag.DASHBOARD, 'apaevt_dashboard', { action, timestamp: Date.now() / 1000, ...fields });
  }

  /** Removes every connection's subscription keys of a task that was cleaned up. */
  dropSubscriptions(projectId: string, source: string): void {
    const key = `p.${projectId}.${source}`;
    for (const conn of this.connections) {
      for (const k of [...conn.monitors.keys()]) {
        if (k === key || (k.startsWith(`${key}.`) && /^\d+$/.test(k.slice(key.length + 1)))) conn.monitors.delete(k);
      }
    }
  }

  log(line: string): void {
    this.logFn?.(line);
  }

  /** Adds a request to the inspection log. */
  logRequest(connectionId: number, msg: Record<string, unknown>): ReceivedRequest {
    const args = isObject(msg.arguments) ? msg.arguments : {};
    const { data, ...rest } = args;
    const dataBytes = Buffer.isBuffer(data)
      ? data.length
      : typeof data === 'string'
        ? Buffer.byteLength(data)
        : data instanceof Uint8Array
          ? data.byteLength
          : 0;
    const entry: ReceivedRequest = { connectionId, seq: msg.seq, command: msg.command, arguments: rest, dataBytes, type: msg.type };
    if (this.record) this.requestLog.push(entry);
    return entry;
  }

  /** Checks a credential as the server does at `auth`; returns the failure message, or undefined when accepted. */
  checkCredential(raw: unknown): { ok: true; credential: string } | { ok: false; message: string } {
    let credential = typeof raw === 'string' ? raw : '';
    if (credential.startsWith('Bearer ')) credential = credential.slice(7);
    if (credential.trim() === '') return { ok: false, message: 'No authorization provided' };
    if (credential.startsWith('tk_') || credential.startsWith('pk_')) {
      const task = credential.startsWith('tk_') ? this.registry.get(credential) : this.registry.byPublicToken(credential);
      if (!task || task.completed) return { ok: false, message: 'Bad request' };
      return { ok: true, credential };
    }
    if (this.apiKey !== undefined && credential !== this.apiKey) return { ok: false, message: 'Invalid API key' };
    return { ok: true, credential };
  }
}

/** A history cap: a non-negative integer or `Infinity` (keep everything). */
function historyLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0)) return value;
  throw new RangeError(`${name} must be a non-negative integer or Infinity, got ${String(value)}`);
}
