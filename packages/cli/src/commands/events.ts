import { parseArgs } from 'node:util';
import { MONITOR_TYPES } from 'rocketride-streams';
import { type Context, EXIT_FAILURE, EXIT_OK, UsageError, untilAborted } from '../context.js';
import { connectEngine, ENGINE_OPTIONS } from '../engine.js';
import { describeError } from '../format.js';

/** `events --token T [--types SUMMARY,TASK]`: prints events as JSON lines until the signal aborts. */
export async function eventsCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...ENGINE_OPTIONS, token: { type: 'string' }, types: { type: 'string' } }, strict: true });
  if (!values.token) throw new UsageError('events: --token T is required');
  const types = values.types?.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean);
  if (types !== undefined) {
    const unknown = types.filter((t) => !MONITOR_TYPES.includes(t));
    if (types.length === 0 || unknown.length > 0) throw new UsageError(`events: --types takes a comma-separated list of ${MONITOR_TYPES.join(', ')}`);
  }
  const rocketride = await connectEngine(ctx, values, false);
  let failure: unknown;
  let ended!: () => void;
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const subscription = rocketride.events$({ token: values.token, ...(types ? { types } : {}) }).subscribe({
    next: (event) => ctx.stdout.write(`${JSON.stringify(event)}\n`),
    error: (err: unknown) => {
      failure = err;
      ended();
    },
    complete: () => ended(),
  });
  try {
    await Promise.race([end, untilAborted(ctx.signal)]);
  } finally {
    subscription.unsubscribe();
    await rocketride.disconnect();
  }
  if (failure !== undefined) {
    ctx.stderr.write(`rocketride-streams: ${describeError(failure)}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}
