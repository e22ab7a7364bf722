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
