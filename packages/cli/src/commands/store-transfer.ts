import { createReadStream, createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rename, stat as statLocal, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RocketRide } from 'rocketride-streams';
import { type Context, EXIT_OK, type Output } from '../context.js';
import { formatBytes } from '../format.js';
import { ProgressBars } from '../progress.js';
import type { StoreArgs } from './store.js';

/** A Writable over the command's stdout: a Node stream as it is (backpressure), anything else chunk by chunk. */
function outputStream(out: Output): Writable {
  if (out instanceof Writable) return out;
  return new Writable({
    write(chunk: Buffer, _e, cb) {
      (out.write as (data: unknown) => unknown)(chunk);
      cb();
    },
  });
}

/** Shows one progress bar on stderr while `work` runs, when stderr is a terminal. */
async function withProgress<T>(ctx: Context, name: string, total: () => number | undefined, done: () => number, work: Promise<T>): Promise<T> {
  if (!ctx.stderr.isTTY) return work;
  const bars = new ProgressBars(ctx.stderr, [name]);
  const timer = setInterval(() => bars.update(0, { status: 'active', done: done(), total: total() }), 100);
  try {
    const value = await work;
    bars.update(0, { status: 'ok', done: done(), total: total() });
    return value;
  } catch (error) {
    bars.update(0, { status: 'failed', note: (error as Error).message });
    throw error;
  } finally {
    clearInterval(timer);
    bars.finish();
  }
}

/** `store cat <path>`: the file to stdout. */
export async function catCommand(ctx: Context, rr: RocketRide, { positionals }: StoreArgs): Promise<number> {
  const source = rr.store.createReadStream(positionals[0]!, ctx.signal ? { signal: ctx.signal } : {});
  await pipeline(source, outputStream(ctx.stdout), { end: !isStdio(ctx.stdout) });
  return EXIT_OK;
}

/** `store put <local-file|-> <path>`: streams a file (or stdin) into the store, atomically. */
export async function putCommand(ctx: Context, rr: RocketRide, { values, positionals }: StoreArgs): Promise<number> {
  const [local, path] = positionals as [string, string];
  const fromStdin = local === '-';
  const total = fromStdin ? undefined : (await statLocal(local)).size;
  const source = fromStdin ? (ctx.stdin ?? process.stdin) : createReadStream(local);
  const sink = rr.store.createWriteStream(path, { overwrite: values['no-overwrite'] !== true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  await withProgress(ctx, fromStdin ? 'stdin' : basename(local), () => total, () => sink.bytesWritten, pipeline(source, sink));
  if (values.json) ctx.stdout.write(`${JSON.stringify({ path: sink.path, bytes: sink.bytesWritten })}\n`);
  else ctx.stderr.write(`${formatBytes(sink.bytesWritten)} written to ${sink.path}\n`);
  return EXIT_OK;
}

/** `store get <path> [local-file|-]`: streams a store file to a local file (default its name here) or stdout. */
export async function getCommand(ctx: Context, rr: RocketRide, { values, positionals }: StoreArgs): Promise<number> {
  const [path, target = basename(positionals[0]!.replace(/\\/g, '/'))] = positionals as [string, string | undefined];
  const source = rr.store.createReadStream(path, ctx.signal ? { signal: ctx.signal } : {});
  if (target === '-') {
    await pipeline(source, outputStream(ctx.stdout), { end: !isStdio(ctx.stdout) });
    return EXIT_OK;
  }
  // Into a hidden sibling renamed over the target once complete: a failed get never leaves a partial file, and never
  // truncates or deletes a file that was already there.
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await withProgress(ctx, basename(target), () => source.size, () => source.bytesRead, pipeline(source, createWriteStream(partial, { flags: 'wx' })));
    await rename(partial, target);
  } catch (error) {
    source.destroy();
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  if (values.json) ctx.stdout.write(`${JSON.stringify({ path: source.path, file: target, bytes: source.bytesRead })}\n`);
  else ctx.stderr.write(`${formatBytes(source.bytesRead)} read from ${source.path} into ${target}\n`);
  return EXIT_OK;
}

/** process.stdout/stderr must not be ended by a pipeline. */
function isStdio(out: Output): boolean {
  return out === process.stdout || out === process.stderr;
}
