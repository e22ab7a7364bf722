import { parseArgs } from 'node:util';
import type { RocketRide, StoreEntry } from 'rocketride-streams';
import { type Context, EXIT_OK, UsageError } from '../context.js';
import { connectEngine, ENGINE_OPTIONS } from '../engine.js';
import { formatBytes } from '../format.js';
import { catCommand, getCommand, putCommand } from './store-transfer.js';

/** What a store subcommand gets: the parsed arguments and a connected client. */
export interface StoreArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

type Sub = (ctx: Context, rr: RocketRide, args: StoreArgs) => Promise<number>;

const OPTIONS = {
  ...ENGINE_OPTIONS,
  json: { type: 'boolean' },
  recursive: { type: 'boolean', short: 'r' },
  force: { type: 'boolean', short: 'f' },
  overwrite: { type: 'boolean' },
  'no-overwrite': { type: 'boolean' },
} as const;

/** `[min, max]` positionals and the usage of each subcommand. */
const SUBCOMMANDS: Record<string, { run: Sub; args: [number, number]; usage: string }> = {
  ls: { run: ls, args: [0, 1], usage: 'store ls [path] [--json]' },
  cat: { run: catCommand, args: [1, 1], usage: 'store cat <path>' },
  put: { run: putCommand, args: [2, 2], usage: 'store put <local-file|-> <path> [--no-overwrite] [--json]' },
  get: { run: getCommand, args: [1, 2], usage: 'store get <path> [local-file|-] [--json]' },
  rm: { run: rm, args: [1, 1], usage: 'store rm <path> [--recursive] [--force]' },
  mkdir: { run: mkdir, args: [1, 1], usage: 'store mkdir <path>' },
  stat: { run: stat, args: [1, 1], usage: 'store stat <path>' },
  mv: { run: mv, args: [2, 2], usage: 'store mv <from> <to> [--overwrite]' },
};

/** `store <ls|cat|put|get|rm|mkdir|stat|mv> …`: the engine's file store (needs a named engine). */
export async function storeCommand(ctx: Context, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const sub = name === undefined ? undefined : SUBCOMMANDS[name];
  if (!sub) throw new UsageError(name === undefined ? 'store: name a subcommand (ls, cat, put, get, rm, mkdir, stat, mv)' : `store: unknown subcommand ${name}`);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  const [min, max] = sub.args;
  if (positionals.length < min || positionals.length > max) throw new UsageError(`usage: rocketride-streams ${sub.usage}`);
  const rocketride = await connectEngine(ctx, values, false);
  try {
    return await sub.run(ctx, rocketride, { values, positionals });
  } finally {
    await rocketride.disconnect();
  }
}

const signalOf = (ctx: Context) => (ctx.signal ? { signal: ctx.signal } : {});

/** `2024-05-01 12:00:00` in UTC from epoch seconds. */
function formatTime(seconds: number | undefined): string {
  return seconds === undefined ? '-' : new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function entryLine(e: StoreEntry): string {
  return e.type === 'dir' ? `dir\t-\t-\t${e.name}/` : `file\t${formatBytes(e.size ?? 0)}\t${formatTime(e.modified)}\t${e.name}`;
}

async function ls(ctx: Context, rr: RocketRide, { values, positionals }: StoreArgs): Promise<number> {
  const entries = await rr.store.list(positionals[0] ?? '', signalOf(ctx));
  ctx.stdout.write(values.json ? `${JSON.stringify(entries, null, 2)}\n` : entries.map((e) => `${entryLine(e)}\n`).join(''));
  return EXIT_OK;
}

async function rm(ctx: Context, rr: RocketRide, { values, positionals }: StoreArgs): Promise<number> {
  await rr.store.rm(positionals[0]!, { recursive: values.recursive === true, force: values.force === true, ...signalOf(ctx) });
  return EXIT_OK;
}

async function mkdir(ctx: Context, rr: RocketRide, { positionals }: StoreArgs): Promise<number> {
  await rr.store.mkdir(positionals[0]!, signalOf(ctx));
  return EXIT_OK;
}

/** Prints the `fs_stat` body as JSON (`{ exists, type?, size?, modified? }`); exits 1 when nothing is there. */
async function stat(ctx: Context, rr: RocketRide, { positionals }: StoreArgs): Promise<number> {
  const st = await rr.store.stat(positionals[0]!, signalOf(ctx));
  ctx.stdout.write(`${JSON.stringify(st, null, 2)}\n`);
  return st.exists ? EXIT_OK : 1;
}

async function mv(ctx: Context, rr: RocketRide, { values, positionals }: StoreArgs): Promise<number> {
  await rr.store.rename(positionals[0]!, positionals[1]!, { overwrite: values.overwrite === true, ...signalOf(ctx) });
  return EXIT_OK;
}
