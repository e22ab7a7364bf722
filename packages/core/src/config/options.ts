import type { DAPMessage } from '../codec/types.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RocketRideEvent } from '../schema/events.js';

/** Which way a protocol message travelled, for `onProtocolMessage`. */
export type Direction = 'send' | 'receive';

/**
 * Options of a {@link RocketRideClient}. Every field is optional; each is checked by the constructor,
 * which throws a `ValidationError` (`ERR_INVALID_OPTION`) for a value of the wrong type or range.
 */
export interface ClientOptions {
  /**
   * Engine address in any form `normalizeUri` accepts (`localhost`, `host:port`, `http(s)://`, `ws(s)://`).
   * Default: `ROCKETRIDE_URI` from the env, else `https://cloud.rocketride.ai:80`. An explicit `null`
   * or empty string is an error (`ERR_INVALID_URI`), never a fallback to the default.
   */
  uri?: string;
  /**
   * Credential (API key, `tk_…` or `pk_…` token). Default: `ROCKETRIDE_APIKEY` from the env.
   * An argument to `connect(credential)` wins over both. Never shown by `util.inspect`/`JSON.stringify`
   * of the client, its errors or `getConnectionInfo()`.
   */
  auth?: string;
  /** WebSocket path on the engine. Default `/task/service`. */
  wsPath?: string;
  /**
   * Environment to read `ROCKETRIDE_*` from. Default: `process.env` over the `.env` file of the
   * current directory (the process env wins). When given, it is the only source.
   */
  env?: Record<string, string | undefined>;
  /** Reconnect automatically after an unexpected disconnect. Default false. */
  persist?: boolean;
  /** First reconnect delay in ms; doubles per failed attempt, with jitter. Default 250. */
  reconnectDelay?: number;
  /** Longest delay between reconnect attempts in ms. Default 15000. */
  maxReconnectDelay?: number;
  /**
   * Give up reconnecting after this many ms since the connection was lost (persist mode).
   * Default: never give up.
   */
  maxRetryTime?: number;
  /** Default timeout of every request in ms; `0` or absent means none. Default: none. */
  requestTimeout?: number;
  /**
   * Time allowed for opening the socket and authenticating, in ms (`ERR_CONNECT_TIMEOUT` beyond it).
   * Sockets the engine refuses because this address holds too many unauthenticated connections are
   * retried within it. Default 30000.
   */
  connectTimeout?: number;
  /** WebSocket ping interval in ms; `0` turns keepalive off. Default 10000. */
  keepaliveInterval?: number;
  /**
   * Close the socket when nothing (no pong, no ping, no frame) arrived for this long, in ms. A silently dead
   * socket is noticed between `keepaliveTimeout` and `keepaliveTimeout + keepaliveInterval` after the
   * last sign of life (30–40 s with the defaults). Default 30000.
   */
  keepaliveTimeout?: number;
  /** Negotiate permessage-deflate. Default false (payloads are sent uncompressed). */
  perMessageDeflate?: boolean;
  /** Largest incoming message in bytes. Default 250 MiB (the engine's own limit). */
  maxPayload?: number;
  /** Sent with `auth` for the engine's dashboards. Default `'rocketride-streams'`. */
  clientName?: string;
  /** Sent with `auth`. Default: this package's version. */
  clientVersion?: string;
  /** Called after every successful (re)connect, after `auth`. */
  onConnected?: (result: ConnectResult) => void;
  /** Called on every close of an authenticated connection. */
  onDisconnected?: (reason: string, hasError: boolean) => void;
  /**
   * Called on every failed connect or reconnect attempt, including one that `disconnect()` cut short
   * or cancelled while it waited for its turn (a `ConnectionError` with code `ERR_DISCONNECTED`).
   */
  onConnectError?: (error: RocketRideError) => void;
  /** Called for every event pushed by the engine, and for client-generated upload events. */
  onEvent?: (event: RocketRideEvent) => void;
  /** Called for every message sent or received (the credential is redacted). Costs a copy per auth only. */
  onProtocolMessage?: (message: DAPMessage, direction: Direction) => void;
  /** Called with one line of diagnostics per lifecycle step. */
  onDebugMessage?: (line: string) => void;
}

/** Per-request options. */
export interface RequestOptions {
  /** Rejects the request with an AbortError when aborted; the late response is ignored. */
  signal?: AbortSignal;
  /** Timeout in ms for this request; overrides `requestTimeout`. `0` means none. */
  timeout?: number;
}

/** Options of any command method: only cancellation. */
export interface CallOptions {
  signal?: AbortSignal;
}

export const DEFAULTS = {
  wsPath: '/task/service',
  reconnectDelay: 250,
  maxReconnectDelay: 15_000,
  connectTimeout: 30_000,
  keepaliveInterval: 10_000,
  keepaliveTimeout: 30_000,
  maxPayload: 250 * 1024 * 1024,
  clientName: 'rocketride-streams',
} as const;
