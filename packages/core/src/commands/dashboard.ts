import type { CallOptions } from '../config/options.js';
import { ExecutionError } from '../errors/execution-error.js';
import { isRecord } from '../config/shape.js';
import { type CommandHost, callTool, checkCallOptions } from './host.js';

/** `overview` of a dashboard snapshot. */
export interface DashboardOverview {
  totalConnections: number;
  /** Tasks listed that are not completed. */
  activeTasks: number;
  /** Seconds since the server started. */
  serverUptime: number;
}

/** One subscription of a connection, labelled as the engine does (`"All tasks"`, `<task>.<source>[.pipeN]`, …). */
export interface DashboardMonitor {
  key: string;
  /** Lower-case flag names, e.g. `["summary"]`. */
  flags: string[];
}

/**
 * One authenticated connection. Unlike the official SDK's type there is no `apikey` field: the engine never sends
 * one.
 */
export interface DashboardConnection {
  id: number;
  /** Epoch seconds. */
  connectedAt: number;
  lastActivity: number;
  messagesIn: number;
  messagesOut: number;
  authenticated: boolean;
  clientId: string;
  /** `clientName`/`clientVersion` sent with `auth` (`{}` when none were). */
  clientInfo: { name?: string; version?: string };
  monitors: DashboardMonitor[];
  /** Names of the visible tasks this connection's subscriptions match. */
  attachedTasks: string[];
}

/** Resource use of a task's engine process. */
export interface DashboardTaskMetrics {
  cpu_percent: number;
  cpu_memory_mb: number;
  gpu_memory_mb: number;
  peak_cpu_percent: number;
  peak_cpu_memory_mb: number;
  peak_gpu_memory_mb: number;
  avg_cpu_percent: number;
  avg_cpu_memory_mb: number;
  avg_gpu_memory_mb: number;
  [key: string]: unknown;
}

/** One task the caller may see, finished ones included during their retention. */
export interface DashboardTask {
  id: string;
  name: string;
  projectId: string;
  source: string;
  provider: string;
  launchType: string;
  startTime: number;
  elapsedTime: number;
  completed: boolean;
  /** `null` once completed. */
  status: string | null;
  /** Set only when completed. */
  exitCode: number | null;
  endTime: number | null;
  /** 1 while a debugger is attached, else 0 (subscriptions do not count). */
  connections: number;
  state: number;
  idleTime: number;
  ttl: number;
  metrics: DashboardTaskMetrics;
  totalCount: number;
  completedCount: number;
  rateCount: number;
  rateSize: number;
  [key: string]: unknown;
}

/** The body of `rrext_dashboard`. */
export interface DashboardSnapshot {
  overview: DashboardOverview;
  connections: DashboardConnection[];
  tasks: DashboardTask[];
}

/**
 * A snapshot of the server (`rrext_dashboard`): its connections and tasks as the caller may see them. Needs
 * `task.monitor`. @throws ExecutionError `ERR_DASHBOARD` (the engine's message, e.g. `Permission 'task.monitor'
 * denied`), `ERR_DASHBOARD_RESPONSE` when the body is not a snapshot.
 */
export async function getDashboard(host: CommandHost, options?: CallOptions): Promise<DashboardSnapshot> {
  const opts = checkCallOptions(options);
  const body = await callTool<DashboardSnapshot>(host, 'rrext_dashboard', {}, 'ERR_DASHBOARD', opts);
  if (!isRecord(body) || !isRecord(body.overview) || !Array.isArray(body.connections) || !Array.isArray(body.tasks)) {
    throw new ExecutionError('rrext_dashboard failed: the engine returned no dashboard snapshot', {
      code: 'ERR_DASHBOARD_RESPONSE',
      command: 'rrext_dashboard',
    });
  }
  return body;
}
