import { readFile } from 'node:fs/promises';
import { type RocketRide, ValidationError } from 'rocketride-streams';
import { type Context, type Output, UsageError } from '../context.js';
import { connectEngine, type EngineArgs } from '../engine.js';

// Helpers shared by the server-tool commands (start, stop, deploy, dashboard, profile). Every check here runs
// before connecting, so a bad argument sends nothing to the engine.

/** `--threads N` and the like: a whole number from 1 to `max`. */
export function positiveInt(value: string | undefined, option: string, command: string, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${command}: ${option} must be a whole number from 1 to ${max}, got ${value}`);
  return n;
}

/** The positionals of a subcommand, exactly `count` of them, else the usage line of that subcommand. */
export function exactly(positionals: readonly string[], count: number, usage: string): string[] {
  if (positionals.length !== count) throw new UsageError(`usage: rocketride-streams ${usage}`);
  return [...positionals];
}

/**
 * Reads a pipeline file as `use()` would: JSON, an object, unwrapped from `{ "pipeline": {…} }`.
 * @throws ValidationError `ERR_INVALID_PIPELINE` when it cannot be read or is not a JSON object.
 */
export async function readPipelineFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ValidationError(`Cannot read the pipeline file ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, {
      code: 'ERR_INVALID_PIPELINE',
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`The pipeline file ${path} is not valid JSON`, { code: 'ERR_INVALID_PIPELINE', cause });
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) throw new ValidationError(`The pipeline file ${path} does not hold a JSON object`, { code: 'ERR_INVALID_PIPELINE' });
  return isObject(value.pipeline) ? value.pipeline : value;
}

/** Connects to the named engine (never the embedded one: it would end with this process), runs `work`, disconnects. */
export async function withEngine<T>(ctx: Context, args: EngineArgs, work: (rocketride: RocketRide) => Promise<T>): Promise<T> {
  const rocketride = await connectEngine(ctx, args, false);
  try {
    return await work(rocketride);
  } finally {
    await rocketride.disconnect();
  }
}

/** `{ signal }` for a call when the command has one. */
export const signalOf = (ctx: Context): { signal?: AbortSignal } => (ctx.signal ? { signal: ctx.signal } : {});

/** One JSON document (`pretty`: indented) or one JSON line. */
export function writeJson(out: Output, value: unknown, pretty = false): void {
  out.write(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
}
