import type { EngineCore } from '../../core.js';
import type { SchedulerOptions } from '../../types.js';
import { nextRun } from '../schedule.js';
import type { ToolState } from '../state.js';
import { DeploymentStore } from './store.js';

/** Default interval between two looks at the deployments. */
const DEFAULT_INTERVAL_MS = 1_000;

/**
 * The scheduler upstream wrote but left switched off: every `active` deployment whose schedule is
 * not `manual` is started through the normal task start at each of its cron times. Each deployment's next time is
 * computed from the clock when the scheduler first sees the record (or sees it changed); at or after that time the
 * pipeline is executed (a run that is still going makes the start fail with `Pipeline is already running.`, which is
 * logged and skipped) and the next time is computed. Off by default; never on under the `head` profile.
 */
export function startScheduler(core: EngineCore, tools: ToolState, options: SchedulerOptions): { stop(): void; wake(): void } {
  const store = new DeploymentStore(tools.storeRoot);
  /** `<userId>/<project_id>` → the schedule and record version it was computed for, and the next fire time. */
  const plan = new Map<string, { version: string; at: number }>();
  let running = false;
  let again = false;
  let stopped = false;

  const scan = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await scanOnce();
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };

  const scanOnce = async () => {
    const now = tools.now();
    const seen = new Set<string>();
    for (const userId of await store.users()) {
      for (const record of await store.list(userId)) {
        if (stopped) return;
        if (record.state !== 'active' || record.schedule === 'manual') continue;
        const key = `${userId}/${String(record.pipeline.project_id)}`;
        seen.add(key);
        const version = `${record.schedule}@${record.updated_at}`;
        const known = plan.get(key);
        if (!known || known.version !== version) {
          plan.set(key, { version, at: nextRun(record.schedule, now) });
          continue;
        }
        if (now < known.at) continue;
        plan.set(key, { version, at: nextRun(record.schedule, now) });
        try {
          const task = await core.registry.execute({ pipeline: record.pipeline }, { threads: 64 });
          core.log(`scheduler: started deployment ${key} as task ${task.id}`);
        } catch (err) {
          core.log(`scheduler: deployment ${key} not started: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    for (const key of [...plan.keys()]) if (!seen.has(key)) plan.delete(key);
  };

  const tick = () => {
    scan().catch((err: unknown) => core.log(`scheduler: ${err instanceof Error ? err.message : String(err)}`));
  };
  const timer = setInterval(tick, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  tick();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    wake: tick,
  };
}
