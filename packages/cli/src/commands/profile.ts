import { parseArgs } from 'node:util';
import type { CProfileStatus, RocketRide } from 'rocketride-streams';
import { type Context, EXIT_OK, UsageError } from '../context.js';
import { ENGINE_OPTIONS } from '../engine.js';
import { exactly, signalOf, withEngine, writeJson } from './tool-args.js';

const PROFILE_OPTIONS = {
  ...ENGINE_OPTIONS,
  target: { type: 'string' },
  session: { type: 'string' },
  duration: { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface ProfileValues {
  target?: string | undefined;
  session?: string | undefined;
  duration?: string | undefined;
  json?: boolean | undefined;
}

type Sub = (ctx: Context, rr: RocketRide, values: ProfileValues) => Promise<void>;

const seconds = (n: unknown): string => (typeof n === 'number' && Number.isFinite(n) ? `${n.toFixed(2)}s` : '-');

/** Resolves after `ms`, or at once when the signal aborts; leaves no timer behind either way. */
function sleep(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Starts a session. With `--target` (a task's engine, whose session outlives this connection) and no `--duration`,
 * prints the start and returns. Otherwise the session belongs to this connection, which the engine ends with it, so
 * the command holds it: it waits for `--duration` or the signal, then stops it and prints the report.
 */
const start: Sub = async (ctx, rr, values) => {
  const target = values.target ?? null;
  const started = await rr.cprofileStart(target, values.session, signalOf(ctx));
  const hold = values.duration !== undefined || values.target === undefined;
  if (!hold) {
    if (values.json) writeJson(ctx.stdout, started, true);
    else ctx.stdout.write(`started ${started.session} (owner ${started.owner})\n`);
    return;
  }
  const until = values.duration === undefined ? 'interrupted' : `${values.duration}s have passed`;
  if (!values.json) ctx.stderr.write(`profiling ${started.session} (owner ${started.owner}) until ${until}\n`);
  await sleep(values.duration === undefined ? undefined : Number(values.duration) * 1000, ctx.signal);
  // The signal may have ended the wait: these two calls must still go out.
  const stopped = await rr.cprofileStop(target);
  const { report } = await rr.cprofileReport(target);
  if (values.json) writeJson(ctx.stdout, { started, stopped, report }, true);
  else ctx.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
};

const stop: Sub = async (ctx, rr, values) => {
  const stopped = await rr.cprofileStop(values.target ?? null, signalOf(ctx));
  if (values.json) writeJson(ctx.stdout, stopped, true);
  else ctx.stdout.write(`stopped ${stopped.session} after ${seconds(stopped.runtime)}\n`);
};

export function statusLine(s: CProfileStatus): string {
  if (s.active) return `active ${s.session} (owner ${s.owner}, ${seconds(s.runtime)})`;
  return `idle, ${s.has_report ? 'a report is available' : 'no report'}`;
}

const status: Sub = async (ctx, rr, values) => {
  const s = await rr.cprofileStatus(values.target ?? null, signalOf(ctx));
  if (values.json) writeJson(ctx.stdout, s, true);
  else ctx.stdout.write(`${statusLine(s)}\n`);
};

const report: Sub = async (ctx, rr, values) => {
  const r = await rr.cprofileReport(values.target ?? null, signalOf(ctx));
  if (values.json) writeJson(ctx.stdout, r, true);
  else ctx.stdout.write(r.report.endsWith('\n') ? r.report : `${r.report}\n`);
};

const SUBCOMMANDS: Record<string, { run: Sub; options: readonly string[] }> = {
  start: { run: start, options: ['target', 'session', 'duration'] },
  stop: { run: stop, options: ['target'] },
  status: { run: status, options: ['target'] },
  report: { run: report, options: ['target'] },
};

/** `profile <start|stop|status|report> [--target TOKEN] …`: cProfile sessions of the server or of a task's engine. */
export async function profileCommand(ctx: Context, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const sub = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!sub) throw new UsageError(name === undefined || name.startsWith('-') ? 'profile: name a subcommand (start, stop, status, report)' : `profile: unknown subcommand ${name}`);
  const { values, positionals } = parseArgs({ args: rest, options: PROFILE_OPTIONS, allowPositionals: true, strict: true });
  exactly(positionals, 0, `profile ${name} [--target TOKEN]${name === 'start' ? ' [--session NAME] [--duration S]' : ''} [--json]`);
  for (const option of ['target', 'session', 'duration'] as const) {
    const v = values[option];
    if (v === undefined) continue;
    if (!sub.options.includes(option)) throw new UsageError(`profile ${name}: --${option} is not an option of this subcommand`);
    if (v.trim() === '') throw new UsageError(`profile ${name}: --${option} must not be empty`);
  }
  if (values.duration !== undefined) {
    const s = Number(values.duration);
    if (!Number.isFinite(s) || s <= 0 || s > 86_400) throw new UsageError(`profile start: --duration must be a number of seconds above 0 and at most 86400, got ${values.duration}`);
  }
  return withEngine(ctx, values, async (rr) => {
    await sub.run(ctx, rr, values);
    return EXIT_OK;
  });
}
