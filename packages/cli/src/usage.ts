/** One command's entry in the usage text: its synopsis, what it does, and whether it takes the engine options. */
interface CommandUsage {
  synopsis: string;
  description: string;
  engine: boolean;
}

const COMMANDS: Record<string, CommandUsage> = {
  upload: {
    synopsis: 'upload <files...> --pipeline <file.json> [--engines URI,URI,...] [--concurrency N] [--mime TYPE] [--json]',
    description: `Start the pipeline (or reuse it when it is already running) and upload the files into it,
N at a time (default 5). On a terminal, one progress bar per file, each marked done as its result
arrives; otherwise one line per finished file (and a byte count every 10 s for a long one) on stderr,
and the results, one line per file in input order, on stdout. --json prints only the results, as
JSON, on stdout. Exits 1 when any file failed.
--engines (or ROCKETRIDE_URI holding several addresses, comma-separated) runs the pipeline on every
engine and spreads the files over them (default concurrency 5 per engine); a file an engine lost is
re-sent to another. Each result names its engine (a fourth column, or "engine" in --json) and a status:
committed, failed, or commit-unknown (close sent, no answer: it may be committed; not re-sent).`,
    engine: true,
  },
  events: {
    synopsis: 'events --token T [--types SUMMARY,TASK]',
    description: 'Print the task\'s events as JSON lines until interrupted (Ctrl-C).',
    engine: true,
  },
  status: {
    synopsis: 'status --token T',
    description: "Print the task's TASK_STATUS as JSON.",
    engine: true,
  },
  store: {
    synopsis: `store ls [path] | cat <path> | put <file|-> <path> | get <path> [file|-] | rm <path> [-r] [-f]
        | mkdir <path> | stat <path> | mv <from> <to> [--overwrite]   [--json]`,
    description: `The engine's file store: list, print, upload (atomic; --no-overwrite refuses an existing file),
download (progress bar on a terminal), remove, create a directory, describe, move.`,
    engine: true,
  },
  start: {
    synopsis: 'start <pipeline.json> [--use-existing] [--threads N] [--json]',
    description: `Start the pipeline and print its task token (--json: the engine's whole answer, one JSON document).
The task keeps running after the command exits. --use-existing returns the running task of the same
pipeline instead of failing; --threads sets the engine threads (1 to 1024).`,
    engine: true,
  },
  stop: {
    synopsis: 'stop --token T [--json]',
    description: 'Terminate the task; prints "stopped T" (--json: {"token","stopped":true}).',
    engine: true,
  },
  deploy: {
    synopsis: `deploy add <pipeline.json> [--schedule S] | ls | status <projectId> | rm <projectId>
        | update <projectId> [--pipeline <file.json>] [--schedule S]   [--json]`,
    description: `The engine's deployments: a stored pipeline (its project_id names it) and a schedule: "manual"
(default), @hourly @daily @weekly @monthly @yearly @annually @midnight, or a 5-field cron expression.
Schedules and project ids are checked as the client checks them, before anything is sent. Prints one
line per deployment (project, schedule, state, updated UTC); --json prints the records (ls: an array)
or {"projectId","updated"|"removed":true}.`,
    engine: true,
  },
  dashboard: {
    synopsis: 'dashboard [--interval S] [--once] [--json]',
    description: `The server's connections and tasks (needs task.monitor). On a terminal, a table redrawn every S
seconds (default 2, at least 0.1); otherwise, or with --json, one JSON line per snapshot (the
rrext_dashboard body). Runs until interrupted (exit 0) or a poll fails (exit 1); --once prints one.`,
    engine: true,
  },
  profile: {
    synopsis: `profile start [--target T] [--session NAME] [--duration S] | stop | status | report
        [--target T] [--json]`,
    description: `cProfile sessions of the server process, or of the engine of the task whose token is T. The
server's session belongs to the connection that started it and ends with it, so "profile start"
without --target (or with --duration) holds it until interrupted or S seconds have passed, then
stops it and prints the report. With --target and no --duration it starts the session and returns;
stop, status and report then work from any later command. --json prints the engine's bodies.`,
    engine: true,
  },
  sim: {
    synopsis: 'sim [--port 5565] [--host 127.0.0.1] [--apikey KEY] [--profile intended|head] [--verbose]',
    description: 'Run the engine simulator until interrupted; prints "listening ws://HOST:PORT/task/service".',
    engine: false,
  },
};

const ENGINE = `Engine (every command but sim):
  --uri URI        engine address (default: ROCKETRIDE_URI); upload without one uses the embedded simulator
  --apikey KEY     credential (default: ROCKETRIDE_APIKEY)`;

const EXIT_CODES = 'Exit codes: 0 done, 1 failed, 2 bad arguments.';

const indent = (text: string, by: string): string => text.replace(/^/gm, by);

/** The usage text printed for `--help` (stdout) and for bad arguments (stderr). */
export const USAGE = `Usage: rocketride-streams <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.synopsis}\n${indent(c.description, '      ')}`)
  .join('\n')}
  help [command]
      Print this text, or one command's.

Options:
  --version, -v    print the version

${ENGINE}

${EXIT_CODES}`;

/** Names of the commands `help <command>` knows. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/** The help of one command (`help <command>`), or undefined for an unknown name. */
export function commandUsage(name: string): string | undefined {
  const c = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!c) return undefined;
  return [`Usage: rocketride-streams ${c.synopsis}`, c.description, ...(c.engine ? [ENGINE] : []), EXIT_CODES].join('\n\n');
}
