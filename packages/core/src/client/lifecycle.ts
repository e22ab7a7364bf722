import { encodeMessage } from '../codec/encode.js';
import type { DAPRequest, DAPResponse } from '../codec/types.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { abortError, type PendingRequests } from '../transport/pending.js';
import { Connection, openSocket, REASON_REQUESTED } from '../transport/socket.js';

/** The `'disconnected'` reason when `connect(credential)` replaces a session that used another credential. */
export const REASON_NEW_CREDENTIAL = 'Reconnecting with a new credential';

/** Settings the lifecycle reads at every attempt (so `setConnectionParams` applies to the next one). */
export interface LifecycleSettings {
  uri: string;
  credential: string;
  clientName: string;
  clientVersion: string;
  persist: boolean;
  reconnectDelay: number;
  maxReconnectDelay: number;
  maxRetryTime: number | undefined;
  connectTimeout: number;
  keepaliveInterval: number;
  keepaliveTimeout: number;
  perMessageDeflate: boolean;
  maxPayload: number;
}

/** What the lifecycle needs from the client that owns it. */
export interface LifecycleHost {
  readonly pending: PendingRequests;
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
  sent(message: DAPRequest): void;
  debug: ((line: string) => void) | undefined;
}

type State = 'idle' | 'connecting' | 'open';

/**
 * Connection lifecycle: open, authenticate (auth is the first request and nothing else is sent
 * before its reply), lose, and in persist mode reconnect with jittered exponential backoff.
 * Every socket belongs to one attempt; callbacks from a socket that is no longer current change nothing.
 */
export class Lifecycle {
  private state: State = 'idle';
  private conn: Connection | undefined;
  private inFlight: Promise<ConnectResult> | undefined;
  private attemptAbort: AbortController | undefined;
  private wanted = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private lostAt: number | undefined;
  private result: ConnectResult | undefined;
  private gen = 0;
  /** The credentials of the current (or in-flight) session: the one sent with `auth`, then the `userToken` too. */
  private sessionCredentials: string[] = [];

  constructor(private readonly host: LifecycleHost) {}

  /** Increments on every successful (re)connect. */
  get generation(): number {
    return this.gen;
  }

  /** The authenticated connection, or undefined. */
  get connection(): Connection | undefined {
    return this.state === 'open' ? this.conn : undefined;
  }

  get connectResult(): ConnectResult | undefined {
    return this.result;
  }

  set connectResult(value: ConnectResult | undefined) {
    this.result = value;
  }

  /** Whether a lost connection will be re-established: persist mode, not disconnected on request, not given up. */
  get willReconnect(): boolean {
    return this.wanted && this.host.settings().persist;
  }

  get status(): State | 'reconnecting' {
    return this.state === 'idle' && this.reconnectTimer !== undefined ? 'reconnecting' : this.state;
  }

  /** Whether a session is open or being opened (not counting a reconnect that is only waiting). */
  get active(): boolean {
    return this.state === 'open' || this.inFlight !== undefined;
  }

  /** Whether the current (or in-flight) session authenticated, or is authenticating, with `credential`. */
  usesCredential(credential: string): boolean {
    return this.sessionCredentials.includes(credential);
  }

  /** Connects and authenticates; resolves with the ConnectResult. Returns the current one when already connected. */
  connect(signal?: AbortSignal): Promise<ConnectResult> {
    if (this.state === 'open' && this.result !== undefined) return Promise.resolve(this.result);
    if (this.inFlight !== undefined) return this.inFlight;
    this.cancelReconnect();
    this.wanted = true;
    this.attempts = 0;
    this.lostAt = undefined;
    return this.run(signal);
  }

  /**
   * Closes the connection and stops reconnecting. Everything but the socket's closing handshake
   * happens at once, before this returns: the connection counts as gone (`connection` is undefined,
   * status `idle`), pending requests reject with `ERR_DISCONNECTED`, an attempt in flight is cut short
   * (it rejects with `ERR_DISCONNECTED`), and `disconnected` is reported for an authenticated
   * connection. A `connect()` from then on starts a fresh connection, even if this was not awaited.
   * Resolves once the old socket is closed.
   */
  disconnect(reason: string = REASON_REQUESTED): Promise<void> {
    const waiting = this.reconnectTimer !== undefined;
    this.wanted = false;
    this.cancelReconnect();
    // A reconnect that was only waiting for its turn ends here: say so, as a cancelled attempt would
    // (an attempt in flight reports the same error through its own rejection).
    if (waiting) this.host.connectError(new ConnectionError(reason, { code: 'ERR_DISCONNECTED' }));
    this.attemptAbort?.abort(new ConnectionError(reason, { code: 'ERR_DISCONNECTED' }));
    this.attemptAbort = undefined;
    // The cut-short attempt no longer counts: its late settling changes nothing (see run()).
    this.inFlight = undefined;
    const conn = this.conn;
    const wasOpen = this.state === 'open';
    this.conn = undefined;
    this.state = 'idle';
    if (conn === undefined) return Promise.resolve();
    this.host.pending.rejectAll(
      (command) => new ConnectionError(reason, { code: 'ERR_DISCONNECTED', command }),
    );
    this.host.debug?.(`socket closed: ${reason}`);
    if (wasOpen) this.host.disconnected(reason, false, this.gen);
    return conn.close(reason);
  }

  private run(signal: AbortSignal | undefined): Promise<ConnectResult> {
    // Only the current attempt changes the lifecycle's state: one that disconnect() cut short (and a
    // connect() after it may already have replaced) just reports its outcome.
    const isCurrent = (): boolean => this.inFlight === promise;
    const promise: Promise<ConnectResult> = this.attempt(signal).then(
      (result) => {
        if (isCurrent()) {
          this.inFlight = undefined;
          this.attempts = 0;
          this.lostAt = undefined;
        }
        return result;
      },
      (error: unknown) => {
        const current = isCurrent();
        if (current) this.inFlight = undefined;
        const err =
          error instanceof RocketRideError
            ? error
            : new ConnectionError(String((error as Error)?.message ?? error), { code: 'ERR_CONNECT_FAILED', cause: error });
        this.host.connectError(err);
        if (!current) throw err;
        if (err instanceof AuthenticationError || err.code === 'ERR_DISCONNECTED' || err.code === 'ERR_ABORTED') {
          this.wanted = false;
        } else if (this.wanted && this.host.settings().persist) {
          this.scheduleReconnect();
        } else {
          this.wanted = false;
        }
        throw err;
      },
    );
    this.inFlight = promise;
    return promise;
  }

  private async attempt(userSignal: AbortSignal | undefined): Promise<ConnectResult> {
    const s = this.host.settings();
    const abort = new AbortController();
    this.attemptAbort = abort;
    const signal = userSignal === undefined ? abort.signal : AbortSignal.any([abort.signal, userSignal]);
    const started = Date.now();
    this.state = 'connecting';
    this.sessionCredentials = [s.credential];
    this.host.debug?.(`connecting to ${s.uri}`);
    let conn: Connection | undefined;
    try {
      const ws = await openSocket(s.uri, {
        timeout: s.connectTimeout,
        signal,
        perMessageDeflate: s.perMessageDeflate,
        maxPayload: s.maxPayload,
      });
      // Aborted (or cut short by disconnect()) after the socket opened but before this continued: the
      // socket never becomes this.conn, where it could stand in for a newer attempt's.
      if (signal.aborted) {
        ws.on('error', () => {});
        ws.terminate();
        throw abortError(signal, 'Connect');
      }
      const current: Connection = new Connection(
        ws,
        {
          message: (data, isBinary) => {
            if (this.conn === current) this.host.receive(data, isBinary);
          },
          close: (reason, hasError) => this.onClose(current, reason, hasError),
        },
        { interval: s.keepaliveInterval, timeout: s.keepaliveTimeout },
      );
      conn = current;
      this.conn = current;
      this.host.debug?.('socket open, authenticating');
      // Aborted by the debug callback just now: send no auth.
      if (signal.aborted) throw abortError(signal, 'Connect');
      const remaining = Math.max(1, s.connectTimeout - (Date.now() - started));
      const response = await this.authenticate(current, s, remaining, signal);
      // An abort or disconnect() may have come after the reply settled the request but before this continued.
      if (signal.aborted) throw abortError(signal, 'Connect');
      if (!response.success) {
        const message = response.message ?? 'Authentication failed';
        throw new AuthenticationError(message, {
          serverMessage: response.message,
          trace: response.trace,
          command: 'auth',
          response,
        });
      }
      const body = (response.body ?? {}) as ConnectResult;
      this.result = body;
      if (typeof body.userToken === 'string' && body.userToken !== '') {
        this.sessionCredentials.push(body.userToken);
        this.host.credentialChanged(body.userToken);
      }
      this.state = 'open';
      this.gen += 1;
      this.host.debug?.(`authenticated (generation ${this.gen})`);
      this.host.connected(body, this.gen);
      return body;
    } catch (error) {
      // disconnect() already reset the state of an attempt it cut short (and a new one may own it now).
      if (this.attemptAbort === abort) {
        this.attemptAbort = undefined;
        if (this.state === 'connecting') this.state = 'idle';
      }
      if (conn !== undefined && this.conn === conn) {
        this.conn = undefined;
        conn.terminate('Connect failed', true);
      }
      // Cut short by disconnect(): that is the reason, not the abort it used to stop the attempt.
      if (abort.signal.aborted) {
        const reason = abort.signal.reason instanceof Error ? abort.signal.reason.message : REASON_REQUESTED;
        throw new ConnectionError(reason, { code: 'ERR_DISCONNECTED', cause: error });
      }
      throw error;
    } finally {
      if (this.attemptAbort === abort) this.attemptAbort = undefined;
    }
  }

  private authenticate(
    conn: Connection,
    s: LifecycleSettings,
    timeout: number,
    signal: AbortSignal,
  ): Promise<DAPResponse> {
    const pending = this.host.pending;
    const seq = pending.nextSeq();
    const args: Record<string, unknown> = { auth: s.credential };
    if (s.clientName !== '') args.clientName = s.clientName;
    if (s.clientVersion !== '') args.clientVersion = s.clientVersion;
    const message: DAPRequest = { type: 'request', seq, command: 'auth', arguments: args };
    const reply = pending.add<Record<string, unknown>>(seq, 'auth', timeout, signal);
    conn.send(encodeMessage(message));
    this.host.sent(message);
    return reply;
  }

  private onClose(conn: Connection, reason: string, hasError: boolean): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    const wasOpen = this.state === 'open';
    this.state = 'idle';
    const code = reason === REASON_REQUESTED ? 'ERR_DISCONNECTED' : 'ERR_CONNECTION_LOST';
    this.host.pending.rejectAll((command) => new ConnectionError(reason, { code, command }));
    this.host.debug?.(`socket closed: ${reason}`);
    if (!wasOpen) return;
    this.host.disconnected(reason, hasError, this.gen);
    if (this.wanted && this.host.settings().persist) {
      this.lostAt = Date.now();
      this.attempts = 0;
      this.scheduleReconnect();
    } else {
      this.wanted = false;
    }
  }

  private scheduleReconnect(): void {
    const s = this.host.settings();
    const now = Date.now();
    this.lostAt ??= now;
    if (s.maxRetryTime !== undefined && now - this.lostAt >= s.maxRetryTime) {
      this.wanted = false;
      this.host.connectError(
        new ConnectionError(`Gave up reconnecting after ${s.maxRetryTime}ms`, { code: 'ERR_RECONNECT_GAVE_UP' }),
      );
      return;
    }
    this.attempts += 1;
    const ceiling = Math.min(s.maxReconnectDelay, s.reconnectDelay * 2 ** Math.min(this.attempts - 1, 30));
    let delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    if (s.maxRetryTime !== undefined) delay = Math.min(delay, Math.max(0, this.lostAt + s.maxRetryTime - now));
    this.host.reconnecting(this.attempts, delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.wanted) return;
      this.run(undefined).catch(() => {});
    }, delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }
}
