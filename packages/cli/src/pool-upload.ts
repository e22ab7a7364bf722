import { connectPool, type FileEntry, type PoolFileResult } from 'rocketride-streams';
import { type Context, EXIT_FAILURE, EXIT_OK, UsageError } from './context.js';
import { describeError, errorJson, formatBytes } from './format.js';
import { ProgressBars } from './progress.js';
import { ProgressLines } from './progress-lines.js';

/** `upload --engines` (or a comma-separated ROCKETRIDE_URI): the files spread over several engines by a pool (issue 14). */
export interface PoolUploadArgs {
  engines: string;
  apikey?: string | undefined;
  pipeline: string;
  concurrency: number | undefined;
  json: boolean;
}

/** A pool result as printed by `--json`: the single-engine fields, plus the engine, the status and the attempts. */
function resultJson(r: PoolFileResult) {
  return {
    path: r.path,
    ok: r.ok,
    status: r.status,
    ...(r.engine ? { engine: r.engine } : {}),
    attempts: r.attempts,
    ...(r.result ? { result: r.result } : {}),
    ...(r.error ? { error: errorJson(r.error) } : {}),
    bytesSent: r.bytesSent,
    bytesAcknowledged: r.bytesAcknowledged,
  };
}

/** Uploads `entries` through a pool of the engines named in `args.engines`; resolves to the exit code. */
export async function poolUpload(ctx: Context, args: PoolUploadArgs, files: string[], entries: FileEntry[]): Promise<number> {
  const engines = args.engines.split(',').map((e) => e.trim());
  if (engines.some((e) => e === '')) throw new UsageError(`upload: --engines takes a comma-separated list of engine addresses, got "${args.engines}"`);
  const auth = args.apikey ?? ctx.env.ROCKETRIDE_APIKEY;
  const pool = await connectPool({
    engines,
    env: ctx.env,
    clientName: 'rocketride-streams-cli',
    ...(auth ? { auth } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  try {
    const task = await pool.use(args.pipeline, { useExisting: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    const view = args.json ? undefined : ctx.stdout.isTTY ? new ProgressBars(ctx.stdout, files) : new ProgressLines(ctx.stderr, files);
    let results: PoolFileResult[];
    try {
      results = await task.uploadFiles(entries, {
        ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(view
          ? {
              onProgress: (p) => view.update(p.index, { status: 'active', done: p.file.bytesAcknowledged, total: p.file.total }),
              onResult: (i, r) => view.update(i, r.ok ? { status: 'ok', done: r.bytesAcknowledged } : { status: 'failed', note: `${r.status}: ${describeError(r.error)}` }),
            }
          : {}),
      });
    } finally {
      view?.finish();
    }
    // JSON lines: one result object per line, in input order, each naming the engine that took it.
    if (args.json) ctx.stdout.write(results.map((r) => `${JSON.stringify(resultJson(r))}\n`).join(''));
    else if (!ctx.stdout.isTTY) {
      for (const r of results) {
        ctx.stdout.write(r.ok ? `ok\t${r.path}\t${formatBytes(r.bytesAcknowledged)}\t${r.engine}\n` : `${r.status}\t${r.path}\t${describeError(r.error)}\t${r.engine ?? '-'}\n`);
      }
    }
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const perEngine = pool.engines.map((name) => `${name}: ${results.filter((r) => r.ok && r.engine === name).length}`).join(', ');
    if (!args.json) {
      ctx.stderr.write(`${results.length} file(s): ${count('committed')} uploaded, ${count('failed') + count('aborted')} failed, ${count('commit-unknown')} commit unknown (${perEngine})\n`);
    }
    return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
  } finally {
    await pool.disconnect();
  }
}
