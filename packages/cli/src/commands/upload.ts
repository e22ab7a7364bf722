import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FileEntry, FileResult } from 'rocketride-streams';
import { type Context, EXIT_FAILURE, EXIT_OK, UsageError } from '../context.js';
import { connectEngine, ENGINE_OPTIONS } from '../engine.js';
import { describeError, errorJson, formatBytes } from '../format.js';
import { uploadEach } from '../batch.js';
import { poolUpload } from '../pool-upload.js';
import { ProgressBars } from '../progress.js';
import { ProgressLines } from '../progress-lines.js';

const OPTIONS = {
  ...ENGINE_OPTIONS,
  pipeline: { type: 'string' },
  concurrency: { type: 'string' },
  mime: { type: 'string' },
  json: { type: 'boolean' },
  engines: { type: 'string' },
} as const;

/** A result as printed by `--json`: the upload result with the error as plain JSON. */
function resultJson(r: FileResult) {
  return {
    path: r.path,
    ok: r.ok,
    ...(r.result ? { result: r.result } : {}),
    ...(r.error ? { error: errorJson(r.error) } : {}),
    bytesSent: r.bytesSent,
    bytesAcknowledged: r.bytesAcknowledged,
  };
}

/** `upload <files...> --pipeline <file.json> [--concurrency N] [--mime TYPE] [--json]` */
export async function uploadCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values, positionals: files } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (files.length === 0) throw new UsageError('upload: name at least one file');
  if (!values.pipeline) throw new UsageError('upload: --pipeline <file.json> is required');
  const concurrency = values.concurrency === undefined ? 5 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`upload: --concurrency must be a positive integer, got ${values.concurrency}`);
  if (values.mime !== undefined && !/^[\w.+-]+\/[\w.+-]+/.test(values.mime)) throw new UsageError(`upload: --mime must be a MIME type such as text/csv, got ${values.mime}`);

  // Fail before connecting (or starting the embedded engine) when the pipeline cannot be read.
  await readFile(values.pipeline).catch((cause: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read the pipeline file ${values.pipeline}: ${cause.code ?? cause.message}`, { cause });
  });
  // Several engines (--engines, or ROCKETRIDE_URI as a comma-separated list): a pool spreads the files over them.
  const engines = values.engines ?? (values.uri === undefined && ctx.env.ROCKETRIDE_URI?.includes(',') ? ctx.env.ROCKETRIDE_URI : undefined);
  if (engines !== undefined) {
    if (values.uri !== undefined) throw new UsageError('upload: give --uri or --engines, not both');
    const entries: FileEntry[] = files.map((path) => (values.mime ? { path, mimeType: values.mime } : path));
    return poolUpload(ctx, { engines, apikey: values.apikey, pipeline: values.pipeline, concurrency: values.concurrency === undefined ? undefined : concurrency, json: values.json === true }, files, entries);
  }
  const rocketride = await connectEngine(ctx, values, true);
  try {
    const { token } = await rocketride.use({ filepath: values.pipeline, useExisting: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    const entries: FileEntry[] = files.map((path) => (values.mime ? { path, mimeType: values.mime } : path));
    // On a terminal, bars on stdout; otherwise lines on stderr, so stdout keeps only the results.
    const view = values.json ? undefined : ctx.stdout.isTTY ? new ProgressBars(ctx.stdout, files) : new ProgressLines(ctx.stderr, files);
    let results: FileResult[];
    try {
      results = await uploadEach(rocketride, token, entries, {
        concurrency,
        signal: ctx.signal,
        ...(view
          ? {
              onProgress: (i, p) => view.update(i, { status: 'active', done: p.bytesAcknowledged, total: p.total }),
              onResult: (i, r) => view.update(i, r.ok ? { status: 'ok', done: r.bytesAcknowledged } : { status: 'failed', note: describeError(r.error) }),
            }
          : {}),
      });
    } finally {
      view?.finish();
    }
    const failed = results.filter((r) => !r.ok).length;
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(results.map(resultJson), null, 2)}\n`);
    } else if (!ctx.stdout.isTTY) {
      for (const r of results) {
        ctx.stdout.write(r.ok ? `ok\t${r.path}\t${formatBytes(r.bytesAcknowledged)}\n` : `failed\t${r.path}\t${describeError(r.error)}\n`);
      }
    }
    if (!values.json) ctx.stderr.write(`${results.length} file(s): ${results.length - failed} uploaded, ${failed} failed (task ${token})\n`);
    return failed === 0 ? EXIT_OK : EXIT_FAILURE;
  } finally {
    await rocketride.disconnect();
  }
}
