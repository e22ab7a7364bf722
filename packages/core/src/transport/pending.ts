import type { DAPResponse } from '../codec/types.js';
import { AbortError } from '../errors/abort-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

interface Entry {
  resolve: (response: DAPResponse<never>) => void;
  reject: (error: Error) => void;
  command: string;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timeoutMs: number;
}

/** Builds the AbortError for an aborted request or operation. */
export function abortError(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/**
 * Request bookkeeping: sequence numbers, correlation by `request_seq` only, per-request timeouts
 * and cancellation. Sequence numbers start at 1 and are never reset (also not across reconnects),
 * so a late response to a request of an earlier connection can never match a new one.
 */
export class PendingRequests {
  private seq = 0;
  private readonly entries = new Map<number, Entry>();
  private readonly onTimeout = (seq: number): void => {
    const entry = this.take(seq);
    // Stryker disable next-line ConditionalExpression: take() clears the timer, so it never fires for a settled request
    if (entry === undefined) return;
    entry.reject(
      new TimeoutError(`Request "${entry.command}" timed out after ${entry.timeoutMs}ms`, { command: entry.command }),
    );
  };

  /** The next client sequence number. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Number of requests waiting for a response. */
  get size(): number {
    return this.entries.size;
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
        timer: timeoutMs > 0 ? setTimeout(this.onTimeout, timeoutMs, seq) : undefined,
        signal,
        onAbort: undefined,
        timeoutMs,
      };
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
    if (this.entries.size === 0) return;
    const all = [...this.entries.keys()];
    for (const seq of all) {
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
    if (entry.onAbort !== undefined) entry.signal!.removeEventListener('abort', entry.onAbort);
    return entry;
  }
}
