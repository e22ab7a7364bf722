import { createHash } from 'node:crypto';
import { RocketRideError } from '@rocketride-streams/core';
import type { Engine } from '@rocketride-streams/testing';

/** Seeds of the generators: fixed, so every run draws the same cases. */
export const SEEDS = { hostile: 0x5eed01, frames: 0x5eed02, aborts: 0x5eed03, options: 0x5eed04, secrets: 0x5eed05, optionsStore: 0x5eed06, optionsCommands: 0x5eed07, optionsPool: 0x5eed08 } as const;

/** How long any single operation of a case may take to settle (generous: a loaded 2-core machine). */
export const SETTLE_MS = 8_000;

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type Settled<T> = { status: 'resolved'; value: T } | { status: 'rejected'; error: unknown } | { status: 'hung' };

/** Waits for `p` at most `ms`; never throws. A promise still pending then is reported as `hung`. */
export async function settle<T>(p: Promise<T> | (() => Promise<T>), ms = SETTLE_MS): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'hung' }), ms);
  });
  try {
    const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
    return await Promise.race([
      run.then(
        (value): Settled<T> => ({ status: 'resolved', value }),
        (error: unknown): Settled<T> => ({ status: 'rejected', error }),
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn`, turning a synchronous throw into a rejection (entry points may throw or reject). */
export function attempt<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Whether `error` is a RocketRideError with a stable `ERR_…` code. */
export function isCoded(error: unknown): error is RocketRideError {
  return error instanceof RocketRideError && typeof error.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(error.code);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? ' (no code)' : ` ${String(code)}`}: ${error.message.slice(0, 200)}`;
  }
  return `non-error ${typeof error}: ${String(error).slice(0, 200)}`;
}

/**
 * Process-level failures while the suite runs: an uncaught exception or an unhandled rejection is a
 * crash of the application under test. Collected per case (see {@link Cases}).
 */
class CrashWatch {
  private errors: string[] = [];
  private installed = 0;
  private readonly onUncaught = (error: unknown) => this.errors.push(`uncaught exception: ${describeError(error)}`);
  private readonly onRejection = (error: unknown) => this.errors.push(`unhandled rejection: ${describeError(error)}`);

  install(): void {
    if (this.installed++ > 0) return;
    process.on('uncaughtException', this.onUncaught);
    process.on('unhandledRejection', this.onRejection);
  }

  uninstall(): void {
    if (--this.installed > 0) return;
    process.off('uncaughtException', this.onUncaught);
    process.off('unhandledRejection', this.onRejection);
  }

  take(): string[] {
    return this.errors.splice(0);
  }
}

export const crashes = new CrashWatch();

/** What a case checks; a failed check is a violation of the named invariant. */
export interface Check {
  (ok: boolean, invariant: string, detail?: string): void;
  /** `error` must be a coded RocketRideError. */
  coded(error: unknown, where: string): void;
  /** The outcome must have settled (not `hung`), and a rejection must be coded. */
  settledCoded<T>(outcome: Settled<T>, where: string): void;
}

export interface Violation {
  kind: string;
  name: string;
  invariant: string;
  detail: string;
}

/**
 * The cases of one category: runs each case, collects every invariant it violates (including crashes
 * and exceptions thrown by the case itself), and counts them for the summary line.
 */
export class Cases {
  readonly counts = new Map<string, { cases: number; violations: number }>();
  readonly violations: Violation[] = [];

  constructor(readonly category: string) {}

  async run(kind: string, name: string, body: (check: Check) => Promise<void>): Promise<void> {
    const found: Violation[] = [];
    const check = ((ok: boolean, invariant: string, detail = '') => {
      if (!ok) found.push({ kind, name, invariant, detail });
    }) as Check;
    check.coded = (error, where) => check(isCoded(error), 'every failure is a coded RocketRideError', `${where}: ${describeError(error)}`);
    check.settledCoded = (outcome, where) => {
      check(outcome.status !== 'hung', `settles within ${SETTLE_MS / 1000} s`, where);
      if (outcome.status === 'rejected') check.coded(outcome.error, where);
    };
    crashes.take();
    try {
      await body(check);
    } catch (error) {
      found.push({ kind, name, invariant: 'the case itself completes', detail: describeError(error) });
    }
    // Let stray callbacks of this case run before looking for crashes.
    await sleep(5);
    for (const crash of crashes.take()) found.push({ kind, name, invariant: 'no crash, no unhandled rejection', detail: crash });
    const c = this.counts.get(kind) ?? { cases: 0, violations: 0 };
    c.cases++;
    if (found.length > 0) c.violations++;
    this.counts.set(kind, c);
    this.violations.push(...found);
  }

  /** The violations of one kind, one line each (what a failing `expect` shows). */
  of(kind: string): string[] {
    return this.violations.filter((v) => v.kind === kind).map((v) => `${v.name} — ${v.invariant}${v.detail ? `: ${v.detail}` : ''}`);
  }

  /** One summary line for the category. */
  summary(): string {
    let cases = 0;
    let failed = 0;
    const parts: string[] = [];
    for (const [kind, c] of this.counts) {
      cases += c.cases;
      failed += c.violations;
      parts.push(`${kind} ${c.cases}${c.violations ? ` (${c.violations} failing)` : ''}`);
    }
    return `faults[${this.category}]: ${cases} cases, ${failed} failing — ${parts.join(', ')}`;
  }
}

/**
 * Integrity on the engine: every object it committed (`closed`) under one of `sources`' names has
 * exactly the source's bytes (SHA-256); a truncated or altered object must never be closed.
 */
export function checkCommitted(engine: Engine, sources: ReadonlyMap<string, string>, check: Check): void {
  for (const p of engine.pipes()) {
    const name = typeof p.object.name === 'string' ? p.object.name : '';
    const expected = sources.get(name);
    if (expected === undefined || p.state !== 'closed') continue;
    check(sha256(p.received) === expected, 'nothing committed that differs from its source', `${name}: ${p.bytes} bytes committed`);
  }
}

/** The engine's record of one object by name (the last one opened under that name). */
export function recordOf(engine: Engine, name: string) {
  return engine.pipes().filter((p) => p.object.name === name).at(-1);
}

/**
 * The outcome of one object's upload against what the engine did with it: a success needs the
 * object committed with the source's bytes; a failure is coded, and when the engine did commit the
 * object it must not be reported as not committed (the outcome is then the result or "unknown").
 */
export function checkOutcome(engine: Engine, name: string, source: string, outcome: Settled<unknown>, check: Check): void {
  check.settledCoded(outcome, name);
  const record = recordOf(engine, name);
  if (outcome.status === 'resolved') {
    check(record?.state === 'closed', 'a resolved upload was committed', `${name}: engine state ${record?.state ?? 'none'}`);
    if (record?.state === 'closed') check(sha256(record.received) === source, 'nothing committed that differs from its source', name);
  }
  if (outcome.status === 'rejected' && record?.state === 'closed') {
    const e = outcome.error as { code?: unknown; message?: unknown };
    const says = `${String(e?.code)} ${String(e?.message)}`;
    check(!/not committed|never committed|ERR_ABORTED/i.test(says), 'a committed object is never reported as not committed', `${name}: ${says.slice(0, 200)}`);
  }
}

/** Polls `cond` every 10 ms for at most `ms`; resolves to whether it held. */
export async function eventually(cond: () => boolean, ms = SETTLE_MS): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}
