/** The settings the reconnect backoff reads. */
export interface BackoffSettings {
  reconnectDelay: number;
  maxReconnectDelay: number;
  maxRetryTime: number | undefined;
}

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential from `reconnectDelay`, capped at
 * `maxReconnectDelay`, with jitter over its upper half (so clients that lost one engine do not all
 * come back at once), and never past the end of `maxRetryTime` counted from `lostAt`.
 */
export function backoffDelay(attempt: number, s: BackoffSettings, lostAt: number, now: number): number {
  const ceiling = Math.min(s.maxReconnectDelay, s.reconnectDelay * 2 ** Math.min(attempt - 1, 30));
  const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  return s.maxRetryTime === undefined ? delay : Math.min(delay, Math.max(0, lostAt + s.maxRetryTime - now));
}

/**
 * The persist-mode reconnect schedule: the attempts since the loss, when it happened, and the timer
 * of the next attempt. Gives up (schedules nothing) once `maxRetryTime` has passed since the loss.
 */
export class ReconnectSchedule {
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private lostAt: number | undefined;

  /** Whether an attempt is waiting for its turn. */
  get waiting(): boolean {
    return this.timer !== undefined;
  }

  /** A fresh start (a connect by the caller, or a success): the next loss counts from zero. */
  reset(): void {
    this.attempts = 0;
    this.lostAt = undefined;
  }

  /** The connection was lost just now. */
  lost(): void {
    this.lostAt = Date.now();
    this.attempts = 0;
  }

  /**
   * Schedules the next attempt: `announce(attempt, delay)` at once, `fire()` after the delay.
   * Returns false, scheduling nothing, when `maxRetryTime` has run out.
   */
  schedule(s: BackoffSettings, announce: (attempt: number, delay: number) => void, fire: () => void): boolean {
    const now = Date.now();
    this.lostAt ??= now;
    if (s.maxRetryTime !== undefined && now - this.lostAt >= s.maxRetryTime) return false;
    this.attempts += 1;
    const delay = backoffDelay(this.attempts, s, this.lostAt, now);
    announce(this.attempts, delay);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fire();
    }, delay);
    return true;
  }

  /** Cancels a waiting attempt. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
