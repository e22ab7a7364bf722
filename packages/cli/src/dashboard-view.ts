import type { DashboardConnection, DashboardSnapshot, DashboardTask } from 'rocketride-streams';
import type { Output } from './context.js';

/** `1h02m03s`, `4m05s`, `6s` from seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(rest).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

const cell = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
const num = (v: unknown, digits = 0): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-');

function taskRow(t: DashboardTask): string {
  const status = t.completed ? `done (${t.exitCode ?? '-'})` : (t.status ?? '-');
  return [
    cell(t.name || t.id, 32),
    cell(status, 12),
    cell(formatDuration(t.elapsedTime), 10),
    cell(`${num(t.completedCount)}/${num(t.totalCount)}`, 11),
    cell(num(t.metrics?.cpu_percent, 1), 6),
    num(t.metrics?.cpu_memory_mb, 1),
  ].join(' ');
}

function connectionRow(c: DashboardConnection): string {
  const client = [c.clientInfo?.name, c.clientInfo?.version].filter(Boolean).join(' ') || '-';
  const monitors = c.monitors.map((m) => `${m.key} (${m.flags.join(',')})`).join('; ') || '-';
  return [cell(String(c.id), 5), cell(client, 28), cell(num(c.messagesIn), 7), cell(num(c.messagesOut), 7), monitors].join(' ');
}

/** The table shown on a terminal: an overview line, the tasks, the connections; every line cut to `columns`. */
export function renderDashboard(snapshot: DashboardSnapshot, columns: number): string[] {
  const { overview, tasks, connections } = snapshot;
  const lines = [
    `uptime ${formatDuration(overview.serverUptime)}   connections ${overview.totalConnections}   active tasks ${overview.activeTasks}   tasks listed ${tasks.length}`,
    '',
    [cell('TASK', 32), cell('STATUS', 12), cell('ELAPSED', 10), cell('DONE/TOTAL', 11), cell('CPU%', 6), 'MEM MB'].join(' '),
    ...(tasks.length > 0 ? tasks.map(taskRow) : ['(no tasks)']),
    '',
    [cell('CONN', 5), cell('CLIENT', 28), cell('IN', 7), cell('OUT', 7), 'MONITORS'].join(' '),
    ...(connections.length > 0 ? connections.map(connectionRow) : ['(no connections)']),
  ];
  const width = Math.max(20, columns);
  return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
}

/** Draws the table on a terminal, each time over the previous one. */
export class DashboardScreen {
  #drawn = 0;

  constructor(private readonly out: Output) {}

  draw(snapshot: DashboardSnapshot): void {
    const lines = renderDashboard(snapshot, this.out.columns || 80); // 0 on some pseudo-terminals
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    // Clear each line as it is rewritten, then whatever a longer previous table left below.
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
    this.#drawn = lines.length;
  }
}
