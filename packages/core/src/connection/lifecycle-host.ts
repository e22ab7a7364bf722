import type { DAPResponse } from '../codec/types.js';
import type { ResolvedSettings } from '../config/resolve.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RequestManager } from '../transport/requests.js';
import type { Connection } from '../transport/socket.js';

/** The `'disconnected'` reason when `connect(credential)` replaces a session that used another credential. */
export const REASON_NEW_CREDENTIAL = 'Reconnecting with a new credential';
/** The `'disconnected'` reason of `logout()`. */
export const REASON_LOGGED_OUT = 'Logged out';
/** The `'disconnected'` reason when `login(credential)` re-authenticates an open session with another credential. */
export const REASON_REAUTHENTICATING = 'Re-authenticating';
/** The engine refuses the 6th `auth` on one connection; a login after that opens a new socket. */
export const MAX_AUTHS_PER_CONNECTION = 5;

/** Settings the lifecycle reads at every attempt (so `setConnectionParams` applies to the next one). */
export type LifecycleSettings = Pick<
  ResolvedSettings,
  | 'clientName'
  | 'clientVersion'
  | 'persist'
  | 'reconnectDelay'
  | 'maxReconnectDelay'
  | 'maxRetryTime'
  | 'connectTimeout'
  | 'keepaliveInterval'
  | 'keepaliveTimeout'
  | 'perMessageDeflate'
  | 'maxPayload'
> & {
  /** The normalised engine address the next attempt connects to. */
  uri: string;
  /** The credential the next `auth` sends. */
  credential: string;
};

/** What the lifecycle needs from the client that owns it. */
export interface LifecycleHost {
  /** The client's request manager: `auth` and `deauth` go out through it like every other request. */
  readonly requests: RequestManager;
  settings(): LifecycleSettings;
  /** A frame from the current connection. */
  receive(data: Buffer, isBinary: boolean): void;
  /** Authenticated; `generation` is the new generation. */
  connected(result: ConnectResult, generation: number): void;
  disconnected(reason: string, hasError: boolean, generation: number): void;
  reconnecting(attempt: number, delay: number): void;
  connectError(error: RocketRideError): void;
  /** The stored credential changed (a `userToken` from the engine). */
  credentialChanged(credential: string): void;
  debug: ((line: string) => void) | undefined;
  /**
   * Runs before `logout()` sends `deauth`, while the session still carries requests; a promise delays the deauth
   * until it settles. The client closes its store handles there: the engine keeps them, and their write locks,
   * after a deauth (PROTOCOL.md §16.C.7). `disconnect()` sends no deauth, so the engine closes them itself.
   */
  beforeDeauth?: () => Promise<void> | undefined;
}

/** Sends a lifecycle request (`auth`, `deauth`) on `conn`, whatever the lifecycle's state. */
export function sendLifecycleRequest(
  host: LifecycleHost,
  conn: Connection,
  command: string,
  args: Record<string, unknown>,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<DAPResponse> {
  return host.requests.send(conn, command, args, timeout, signal);
}

/**
 * Sends `auth` with the settings' credential and client name/version (each omitted when empty). The
 * whole connect has one budget and one code: an `auth` left unanswered is `ERR_CONNECT_TIMEOUT`.
 */
export async function sendAuth(
  host: LifecycleHost,
  conn: Connection,
  s: LifecycleSettings,
  timeout: number,
  signal: AbortSignal,
): Promise<DAPResponse> {
  const args: Record<string, unknown> = { auth: s.credential };
  if (s.clientName !== '') args.clientName = s.clientName;
  if (s.clientVersion !== '') args.clientVersion = s.clientVersion;
  try {
    return await sendLifecycleRequest(host, conn, 'auth', args, timeout, signal);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new TimeoutError(`Connection timeout after ${s.connectTimeout}ms: the engine did not answer auth`, {
      code: 'ERR_CONNECT_TIMEOUT',
      command: 'auth',
      cause: error,
    });
  }
}

/** The AuthenticationError for a refused `auth` (the engine's message, trace and response kept). */
export function authenticationError(response: DAPResponse): AuthenticationError {
  return new AuthenticationError(response.message ?? 'Authentication failed', {
    serverMessage: response.message,
    trace: response.trace,
    command: 'auth',
    response,
  });
}

/** A failed connect attempt as a coded error (anything not already one is `ERR_CONNECT_FAILED`). */
export function connectFailure(error: unknown): RocketRideError {
  if (error instanceof RocketRideError) return error;
  return new ConnectionError(String((error as Error)?.message ?? error), { code: 'ERR_CONNECT_FAILED', cause: error });
}

/** Whether a failed attempt ends the attempts (refused credentials, a disconnect(), an abort) rather than being retried. */
export function isFinal(error: RocketRideError): boolean {
  return error instanceof AuthenticationError || error.code === 'ERR_DISCONNECTED' || error.code === 'ERR_ABORTED';
}
