import { parseArgs } from 'node:util';
import { type DashboardSnapshot, dashboard$ } from 'rocketride-streams';
import { type Context, EXIT_FAILURE, EXIT_OK, UsageError, untilAborted } from '../context.js';
import { DashboardScreen } from '../dashboard-view.js';
import { ENGINE_OPTIONS } from '../engine.js';
import { describeError } from '../format.js';
import { signalOf, withEngine, writeJson } from './tool-args.js';

/** Seconds between polls when `--interval` is not given. */
export const DEFAULT_DASHBOARD_INTERVAL_S = 2;
const MAX_INTERVAL_S = 86_400;

/** `--interval S`: seconds, at least 0.1 and at most a day. */
function intervalMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DASHBOARD_INTERVAL_S * 1000;
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s < 0.1 || s > MAX_INTERVAL_S) {
    throw new UsageError(`dashboard: --interval must be a number of seconds from 0.1 to ${MAX_INTERVAL_S}, got ${value}`);
  }
  return Math.round(s * 1000);
}

/**
 * `dashboard [--interval S] [--once] [--json]`: the server's dashboard (`rrext_dashboard`). On a terminal (and without
 * `--json`) a table redrawn in place every S seconds; otherwise one JSON line per snapshot. Polls until the signal
 * aborts (exit 0) or a poll fails (exit 1); `--once` prints one snapshot and exits.
 */
export async function dashboardCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...ENGINE_OPTIONS, interval: { type: 'string' }, once: { type: 'boolean' }, json: { type: 'boolean' } },
    strict: true,
  });
  const interval = intervalMs(values.interval);
  if (values.once && values.interval !== undefined) throw new UsageError('dashboard: --once and --interval do not go together');
  const screen = !values.json && ctx.stdout.isTTY ? new DashboardScreen(ctx.stdout) : undefined;
  const show = (snapshot: DashboardSnapshot): void => (screen ? screen.draw(snapshot) : writeJson(ctx.stdout, snapshot));

  return withEngine(ctx, values, async (rocketride) => {
    if (values.once) {
      show(await rocketride.getDashboard(signalOf(ctx)));
      return EXIT_OK;
    }
    let failure: unknown;
    let failed!: () => void;
    const failedOnce = new Promise<void>((resolve) => {
      failed = resolve;
    });
    // dashboard$ polls while subscribed; unsubscribing stops its timer, so nothing is left behind.
    const subscription = dashboard$(rocketride, { interval }).subscribe({
      next: show,
      error: (err: unknown) => {
        failure = err;
        failed();
      },
    });
    try {
      await Promise.race([failedOnce, untilAborted(ctx.signal)]);
    } finally {
      subscription.unsubscribe();
    }
    if (failure !== undefined) {
      ctx.stderr.write(`rocketride-streams: ${describeError(failure)}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  });
}
