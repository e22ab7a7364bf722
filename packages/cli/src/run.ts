import { loadEnv } from 'rocketride-streams';
import { dashboardCommand } from './commands/dashboard.js';
import { deployCommand } from './commands/deploy.js';
import { eventsCommand } from './commands/events.js';
import { profileCommand } from './commands/profile.js';
import { simCommand } from './commands/sim.js';
import { startCommand, stopCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { storeCommand } from './commands/store.js';
import { uploadCommand } from './commands/upload.js';
import { type Context, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type RunOptions, UsageError } from './context.js';
import { describeError } from './format.js';
import { COMMAND_NAMES, commandUsage, USAGE } from './usage.js';
import { VERSION } from './version.js';

const COMMANDS: Record<string, (ctx: Context, argv: string[]) => Promise<number>> = {
  upload: uploadCommand,
  events: eventsCommand,
  status: statusCommand,
  sim: simCommand,
  store: storeCommand,
  start: startCommand,
  stop: stopCommand,
  deploy: deployCommand,
  dashboard: dashboardCommand,
  profile: profileCommand,
};

/** parseArgs's own errors (unknown option, missing value…) are usage errors too. */
function isArgumentError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** `help` alone prints the whole usage; `help <command>` that command's. */
function helpText(args: readonly string[]): string {
  if (args.length === 0) return USAGE;
  const [name, ...extra] = args;
  if (extra.length > 0) throw new UsageError(`help takes one command name, got ${args.length}`);
  const text = commandUsage(name!);
  if (text === undefined) throw new UsageError(`help: unknown command ${name} (commands: ${COMMAND_NAMES.join(', ')})`);
  return text;
}

/**
 * Runs the command line `argv` (without the node and script paths) and resolves to the exit code:
 * 0 done, 1 failed (for `upload`: any file failed), 2 bad arguments (usage printed on stderr).
 * Never throws and never exits the process.
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const ctx: Context = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? loadEnv(),
    signal: options.signal,
    ...(options.stdin ? { stdin: options.stdin } : {}),
  };
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    ctx.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const handler = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      ctx.stdout.write(`${helpText(command === 'help' ? rest : [])}\n`);
      return EXIT_OK;
    }
    if (!handler) throw new UsageError(command === undefined ? 'No command given' : `Unknown command: ${command}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    return await handler(ctx, rest);
  } catch (err) {
    if (err instanceof UsageError || isArgumentError(err)) {
      ctx.stderr.write(`rocketride-streams: ${(err as Error).message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    ctx.stderr.write(`rocketride-streams: ${describeError(err)}\n`);
    return EXIT_FAILURE;
  }
}
