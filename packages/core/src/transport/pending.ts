import type { DAPResponse } from '../codec/types.js';
import { AbortError } from '../errors/abort-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

interface Entry {
  resolve: (response: DAPResponse<never>) => void;
  reject: (error: Error) => void;
  command: string;
  /** The request's own timer (a timeout shorter than {@link SHARED_TIMEOUT_MS}). */
  timer: NodeJS.Timeout | undefined;
  /** When a long timeout expires (`performance.now()` ms), watched by the shared timer; 0 = not watched. */
  deadline: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timeoutMs: number;
}

/**
 * Timeouts from this many ms on are watched by one timer shared by all requests rather than one timer
 * each. Arming and clearing a Node timer per request (a timer list created and dropped every time)
 * sat on the path from one answer to the next request; the pipe defaults (120 s per write, 300 s per
 * close) are long, so one timer re-armed for the earliest deadline serves them all. A shared deadline
 * fires at most a millisecond or two late, which does not matter at this length. The shared timer
 * does not hold the process open (`unref`): while a request waits, its socket does.
 */
export const SHARED_TIMEOUT_MS = 10_000;

/** Builds the AbortError for an aborted request or operation. */
export function abortError(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/**
 * Waits for `promise`, or rejects with {@link abortError} as soon as `signal` aborts (`promise` then runs on
 * unobserved). At once when `signal` is already aborted.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A key that is never a sequence number, holding a placeholder so that `entries` is never empty: V8
 * shrinks a Map's table (a new allocation) when its last entry is deleted and grows it again on the
 * next set, which with one request at a time happened on every answer.
 */
const KEEP = Symbol('keep');
const PLACEHOLDER: Entry = {
  resolve: () => {},
  reject: () => {},
  command: '',
  timer: undefined,
  deadline: 0,
  signal: undefined,
  onAbort: undefined,
  timeoutMs: 0,
};

/**
 * Request bookkeeping: sequence numbers, correlation by `request_seq` only, per-request timeouts
 * and cancellation. Sequence numbers start at 1 and are never reset (also not across reconnects),
 * so a late response to a request of an earlier connection can never match a new one.
 */
export class PendingRequests {
  private seq = 0;
  private readonly entries = new Map<number | typeof KEEP, Entry>([[KEEP, PLACEHOLDER]]);
  private readonly onTimeout = (seq: number): void => {
    const entry = this.take(seq);
    // Stryker disable next-line ConditionalExpression: take() clears the timer, so it never fires for a settled request
    if (entry === undefined) return;
    entry.reject(timeoutError(entry));
  };
  /** The timer shared by long timeouts, armed for {@link sharedAt}. */
  private shared: NodeJS.Timeout | undefined;
  private sharedAt = Number.POSITIVE_INFINITY;
  /** Requests waiting with a long timeout. */
  private longWaits = 0;

  /** The next client sequence number. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.entries.size - 1;
  }

  /**
   * Registers a request that is about to be sent. The promise settles with the response (whatever
   * its `success`), or rejects on timeout, abort (at once when `signal` is already aborted; nothing is
   * registered then) or {@link rejectAll}.
   */
  add<B>(seq: number, command: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<DAPResponse<B>> {
    return new Promise<DAPResponse<B>>((resolve, reject) => {
      // An 'abort' listener added now would never fire: reject at once instead of waiting for the reply.
      if (signal?.aborted) {
        reject(abortError(signal, `Request "${command}"`));
        return;
      }
      const entry: Entry = {
        resolve: resolve as (r: DAPResponse<never>) => void,
        reject,
        command,
        timer: undefined,
        deadline: 0,
        signal,
        onAbort: undefined,
        timeoutMs,
      };
      if (timeoutMs >= SHARED_TIMEOUT_MS) this.watch(entry);
      else if (timeoutMs > 0) entry.timer = setTimeout(this.onTimeout, timeoutMs, seq);
      if (signal !== undefined) {
        entry.onAbort = () => {
          if (this.take(seq) !== undefined) reject(abortError(signal, `Request "${command}"`));
        };
        // Stryker disable next-line ObjectLiteral: take() removes the listener, and a signal aborts only once
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.entries.set(seq, entry);
    });
  }

  /** Settles the request a response answers. Returns false for an unknown `request_seq` (dropped). */
  resolve(response: DAPResponse): boolean {
    const seq = response.request_seq;
    // Stryker disable next-line ConditionalExpression: a non-number seq is never a key of entries, so take() returns undefined anyway
    if (typeof seq !== 'number') return false;
    const entry = this.take(seq);
    if (entry === undefined) return false;
    entry.resolve(response as DAPResponse<never>);
    return true;
  }

  /** Rejects one request (e.g. when sending it failed). */
  fail(seq: number, error: Error): void {
    this.take(seq)?.reject(error);
  }

  /** Rejects every pending request at once with an error built per request. */
  rejectAll(makeError: (command: string) => RocketRideError): void {
    if (this.entries.size === 1) return;
    const all = [...this.entries.keys()];
    for (const seq of all) {
      if (seq === KEEP) continue;
      const entry = this.take(seq);
      // Stryker disable next-line ConditionalExpression: every key listed above is still there (rejecting settles asynchronously)
      if (entry !== undefined) entry.reject(makeError(entry.command));
    }
  }

  private take(seq: number): Entry | undefined {
    const entry = this.entries.get(seq);
    if (entry === undefined) return undefined;
    this.entries.delete(seq);
    // Stryker disable next-line ConditionalExpression: clearTimeout(undefined) does nothing
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    // The shared timer stays armed: not re-arming it per request is what it is for.
    else if (entry.deadline !== 0) this.longWaits -= 1;
    if (entry.onAbort !== undefined) entry.signal!.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  /** Puts a long timeout under the shared timer, arming it earlier when this deadline comes first. */
  private watch(entry: Entry): void {
    entry.deadline = performance.now() + entry.timeoutMs;
    this.longWaits += 1;
    if (entry.deadline < this.sharedAt) this.armShared(entry.deadline);
  }

  private armShared(at: number): void {
    if (this.shared !== undefined) clearTimeout(this.shared);
    this.sharedAt = at;
    this.shared = setTimeout(this.onShared, Math.max(1, Math.ceil(at - performance.now())));
    this.shared.unref();
  }

  /** Rejects the long waits whose deadline has passed and re-arms for the earliest one left. */
  private readonly onShared = (): void => {
    this.shared = undefined;
    this.sharedAt = Number.POSITIVE_INFINITY;
    if (this.longWaits === 0) return;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    const expired: [number, Entry][] = [];
    for (const [seq, entry] of this.entries) {
      if (seq === KEEP || entry.deadline === 0) continue;
      if (entry.deadline <= now) expired.push([seq, entry]);
      else if (entry.deadline < next) next = entry.deadline;
    }
    for (const [seq, entry] of expired) {
      this.take(seq);
      entry.reject(timeoutError(entry));
    }
    if (next !== Number.POSITIVE_INFINITY) this.armShared(next);
  };
}

function timeoutError(entry: Entry): TimeoutError {
  return new TimeoutError(`Request "${entry.command}" timed out after ${entry.timeoutMs}ms`, { command: entry.command });
}
