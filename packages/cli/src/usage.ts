/** The usage text printed for `--help` (stdout) and for bad arguments (stderr). */
export const USAGE = `Usage: rocketride-streams <command> [options]

Commands:
  upload <files...> --pipeline <file.json> [--concurrency N] [--mime TYPE] [--json]
      Start the pipeline (or reuse it when it is already running) and upload the files into it,
      N at a time (default 5). One progress bar per file on a terminal, one line per file otherwise;
      --json prints only the results, as JSON, on stdout. Exits 1 when any file failed.
  events --token T [--types SUMMARY,TASK]
      Print the task's events as JSON lines until interrupted (Ctrl-C).
  status --token T
      Print the task's TASK_STATUS as JSON.
  store ls [path] | cat <path> | put <file|-> <path> | get <path> [file|-] | rm <path> [-r] [-f]
        | mkdir <path> | stat <path> | mv <from> <to> [--overwrite]   [--json]
      The engine's file store: list, print, upload (atomic; --no-overwrite refuses an existing file),
      download (progress bar on a terminal), remove, create a directory, describe, move.
  sim [--port 5565] [--host 127.0.0.1] [--apikey KEY] [--profile intended|head] [--verbose]
      Run the engine simulator until interrupted; prints "listening ws://HOST:PORT/task/service".

Engine (upload, events, status, store):
  --uri URI        engine address (default: ROCKETRIDE_URI); upload without one uses the embedded simulator
  --apikey KEY     credential (default: ROCKETRIDE_APIKEY)

Exit codes: 0 done, 1 failed, 2 bad arguments.`;
