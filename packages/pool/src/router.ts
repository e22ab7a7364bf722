import { AbortError, ConnectionError } from '@rocketride-streams/core';
import type { Replica } from './engine.js';
import type { PoolStrategy } from './options.js';

/** A pipe slot on one replica, held until `release()`. */
export interface Lease {
  readonly replica: Replica;
  release(): void;
}

interface Waiter {
  resolve(lease: Lease): void;
  reject(error: Error): void;
  /** Running only while no replica is ready: how long the caller waits for one to come (back). */
  timer: NodeJS.Timeout | undefined;
  noEngineMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** The error of a pipe that found no ready replica: every engine is down, reconnecting or restarting the task. */
export function noEngineError(waitedMs?: number): ConnectionError {
  const waited = waitedMs === undefined ? '' : ` for ${waitedMs} ms`;
  return new ConnectionError(`No engine of the pool can take the pipe: none is connected with the task running (waited${waited || ' not at all'})`, {
    code: 'ERR_NO_ENGINE',
  });
}

/**
 * Routes pipes over a task's replicas. `take()` picks at once (for `pipe()`/`writable()`, which must
 * return synchronously); `acquire()` waits for a replica with a free slot (`threads`), so the engine
 * never has to withhold an `open` of the pool's. Only ready replicas are picked: connected, with the
 * task confirmed on the current connection.
 */
export class Router {
  readonly #replicas: readonly Replica[];
  readonly #strategy: PoolStrategy;
  readonly #onChange: () => void;
  #next = 0;
  #waiters: Waiter[] = [];
  #closed: Error | undefined;

  constructor(replicas: readonly Replica[], strategy: PoolStrategy, onChange: () => void) {
    this.#replicas = replicas;
    this.#strategy = strategy;
    this.#onChange = onChange;
  }

  /** Whether any replica is in rotation. */
  anyReady(): boolean {
    return this.#replicas.some((r) => r.ready);
  }

  /** The replica the strategy picks now (skipping full ones when `respectCapacity`), advancing the rotation. */
  #pick(respectCapacity: boolean): Replica | undefined {
    const n = this.#replicas.length;
    let best: { replica: Replica; at: number } | undefined;
    for (let k = 0; k < n; k++) {
      const at = (this.#next + k) % n;
      const replica = this.#replicas[at]!;
      if (!replica.ready || (respectCapacity && replica.full)) continue;
      if (this.#strategy === 'round-robin') {
        best = { replica, at };
        break;
      }
      if (best === undefined || replica.openPipes < best.replica.openPipes) best = { replica, at };
    }
    if (best === undefined) return undefined;
    this.#next = (best.at + 1) % n;
    return best.replica;
  }

  #lease(replica: Replica): Lease {
    const release = replica.hold(this.#onChange);
    return {
      replica,
      release: () => {
        release();
        this.notify();
      },
    };
  }

  /** A slot now, over capacity if need be (the engine then withholds the open, as for a plain client); undefined when no replica is ready. */
  take(): Lease | undefined {
    if (this.#closed) return undefined;
    const replica = this.#pick(false);
    return replica === undefined ? undefined : this.#lease(replica);
  }

  /**
   * A slot on a ready replica below its `threads`, waiting for one to free up. While no replica is
   * ready at all, waits at most `noEngineMs` for one (`ERR_NO_ENGINE` after that).
   */
  acquire(signal: AbortSignal | undefined, noEngineMs: number): Promise<Lease> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal?.aborted) return Promise.reject(new AbortError('Aborted while waiting for a pipe slot', { cause: signal.reason }));
    // Others waiting come first: a slot that frees goes to the head of the queue.
    const now = this.#waiters.length === 0 ? this.#pick(true) : undefined;
    if (now !== undefined) return Promise.resolve(this.#lease(now));
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined, noEngineMs, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          this.#drop(waiter);
          reject(new AbortError('Aborted while waiting for a pipe slot', { cause: signal.reason }));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      this.notify();
    });
  }

  #drop(waiter: Waiter): void {
    const i = this.#waiters.indexOf(waiter);
    if (i >= 0) this.#waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  /** Serves the waiters (first come, first served) after a slot freed or a replica came into rotation. */
  notify(): void {
    while (this.#waiters.length > 0) {
      const replica = this.#pick(true);
      if (replica === undefined) break;
      const waiter = this.#waiters[0]!;
      this.#drop(waiter);
      waiter.resolve(this.#lease(replica));
    }
    const ready = this.anyReady();
    for (const waiter of this.#waiters) {
      if (ready) {
        clearTimeout(waiter.timer);
        waiter.timer = undefined;
      } else if (waiter.timer === undefined) {
        waiter.timer = setTimeout(() => {
          this.#drop(waiter);
          waiter.reject(noEngineError(waiter.noEngineMs));
        }, waiter.noEngineMs);
      }
    }
  }

  /** Rejects every waiter with `reason`; later calls fail with it too. */
  close(reason: Error): void {
    this.#closed ??= reason;
    for (const waiter of [...this.#waiters]) {
      this.#drop(waiter);
      waiter.reject(reason);
    }
  }
}
