import { parseArgs } from 'node:util';
import { type Context, EXIT_OK, UsageError } from '../context.js';
import { connectEngine, ENGINE_OPTIONS } from '../engine.js';

/** `status --token T`: prints the TASK_STATUS as JSON. */
export async function statusCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...ENGINE_OPTIONS, token: { type: 'string' } }, strict: true });
  if (!values.token) throw new UsageError('status: --token T is required');
  const rocketride = await connectEngine(ctx, values, false);
  try {
    const status = await rocketride.getTaskStatus(values.token, ctx.signal ? { signal: ctx.signal } : undefined);
    ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return EXIT_OK;
  } finally {
    await rocketride.disconnect();
  }
}
