import { parseArgs } from 'node:util';
import { type Context, EXIT_OK, UsageError } from '../context.js';
import { ENGINE_OPTIONS } from '../engine.js';
import { exactly, positiveInt, readPipelineFile, signalOf, withEngine, writeJson } from './tool-args.js';

const START_OPTIONS = {
  ...ENGINE_OPTIONS,
  'use-existing': { type: 'boolean' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `start <pipeline.json> [--use-existing] [--threads N] [--json]`: starts the pipeline (`use()`), prints its task
 * token (`--json`: the whole `execute` answer as one JSON document) and leaves it running.
 */
export async function startCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: START_OPTIONS, allowPositionals: true, strict: true });
  const [file] = exactly(positionals, 1, 'start <pipeline.json> [--use-existing] [--threads N] [--json]');
  const threads = positiveInt(values.threads, '--threads', 'start', 1024);
  // The file is checked here so that an unreadable one fails before connecting; use() reads it again.
  await readPipelineFile(file!);
  return withEngine(ctx, values, async (rocketride) => {
    const result = await rocketride.use({
      filepath: file!,
      ...(values['use-existing'] ? { useExisting: true } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...signalOf(ctx),
    });
    if (values.json) writeJson(ctx.stdout, result, true);
    else ctx.stdout.write(`${result.token}\n`);
    return EXIT_OK;
  });
}

/** `stop --token T [--json]`: terminates the task (`terminate`). */
export async function stopCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...ENGINE_OPTIONS, token: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  if (!values.token?.trim()) throw new UsageError('stop: --token T is required');
  const token = values.token;
  return withEngine(ctx, values, async (rocketride) => {
    await rocketride.terminate(token, signalOf(ctx));
    if (values.json) writeJson(ctx.stdout, { token, stopped: true });
    else ctx.stdout.write(`stopped ${token}\n`);
    return EXIT_OK;
  });
}
