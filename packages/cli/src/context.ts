/** A stream the CLI writes to; `isTTY`/`columns`/`rows` as on `process.stdout`. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** How {@link run} talks to the outside world. Every field is optional. */
export interface RunOptions {
  /** Results go here. Default `process.stdout`. */
  stdout?: Output;
  /** Diagnostics, notices and usage go here. Default `process.stderr`. */
  stderr?: Output;
  /**
   * Where `ROCKETRIDE_URI` / `ROCKETRIDE_APIKEY` are read from. Default: `process.env` over the `.env`
   * file of the current directory (the process env wins), as the client reads them.
   */
  env?: Record<string, string | undefined>;
  /** Where `store put - <path>` reads from. Default `process.stdin`. */
  stdin?: NodeJS.ReadableStream & AsyncIterable<unknown>;
  /**
   * Ends `events` and `sim` (they run until it aborts) and aborts a running `upload`. The bin aborts it on
   * the first SIGINT or SIGTERM. Default: none.
   */
  signal?: AbortSignal;
}

/** What every command receives. */
export interface Context {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  signal: AbortSignal | undefined;
  /** Set only when {@link RunOptions.stdin} was given (commands fall back to `process.stdin`). */
  stdin?: NodeJS.ReadableStream & AsyncIterable<unknown>;
}

/** Exit codes: 0 done, 1 a failure (including any file that failed), 2 bad arguments. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Resolves when the signal aborts (never without one). */
export function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
