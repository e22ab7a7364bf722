import { ConnectionError } from '../errors/connection-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { abortError } from '../transport/pending.js';
import { type Connection, REASON_REQUESTED } from '../transport/socket.js';
import {
  authenticationError,
  connectFailure,
  isFinal,
  type LifecycleHost,
  MAX_AUTHS_PER_CONNECTION,
  REASON_LOGGED_OUT,
  REASON_REAUTHENTICATING,
  sendAuth,
  sendLifecycleRequest,
} from './lifecycle-host.js';
import { ReconnectSchedule } from './backoff.js';
import { openConnection } from './open.js';
import { guardConnectResult } from './redaction.js';

/** `attached`: the socket is open but unauthenticated (`attach()`, or after `logout()`); only public commands work. */
type State = 'idle' | 'connecting' | 'open' | 'attached';

/**
 * Connection lifecycle: open, authenticate (auth is the first request and nothing else is sent
 * before its reply), lose, and in persist mode reconnect with jittered exponential backoff.
 * Every socket belongs to one attempt; callbacks from a socket that is no longer current change nothing.
 */
export class Lifecycle {
  private state: State = 'idle';
  private conn: Connection | undefined;
  /** The attempt in flight: an authentication (`connect()`, `login()`, a reconnect) or, when not `inFlightAuth`, an attach. */
  private inFlight: Promise<ConnectResult | undefined> | undefined;
  private inFlightAuth = false;
  private attemptAbort: AbortController | undefined;
  /** What the caller asked for: no socket, a socket without a session (`attach()`, `logout()`), or a session. */
  private desired: 'detached' | 'attached' | 'authenticated' = 'detached';
  /** `attach()` asked for the socket itself: persist mode restores a lost unauthenticated socket (not after a mere logout). */
  private keepAttached = false;
  /** `auth` requests sent on the current socket (the engine allows {@link MAX_AUTHS_PER_CONNECTION}). */
  private authCount = 0;
  /** The `deauth` of a `logout()` awaiting its reply; a login on the same socket waits for it. */
  private deauthing: Promise<void> | undefined;
  private readonly schedule = new ReconnectSchedule();
  private result: ConnectResult | undefined;
  private gen = 0;
  /** The credentials of the current (or in-flight) session: the one sent with `auth`, then the `userToken` too. */
  #sessionCredentials: string[] = [];

  constructor(private readonly host: LifecycleHost) {}

  /** Increments on every successful (re)connect. */
  get generation(): number {
    return this.gen;
  }

  /** The authenticated connection, or undefined. */
  get connection(): Connection | undefined {
    return this.state === 'open' ? this.conn : undefined;
  }

  /** The socket, authenticated or not (`open` or `attached`), or undefined. */
  get socket(): Connection | undefined {
    return this.state === 'open' || this.state === 'attached' ? this.conn : undefined;
  }

  get connectResult(): ConnectResult | undefined {
    return this.result;
  }

  /** Replaces the identity (an `apaext_account` event); its `userToken` is kept out of inspection. */
  set connectResult(value: ConnectResult | undefined) {
    this.result = value === undefined ? undefined : guardConnectResult(value);
  }

  /** Whether a lost connection will be re-established: persist mode, not disconnected on request, not given up. */
  get willReconnect(): boolean {
    return this.desired === 'authenticated' && this.host.settings().persist;
  }

  get status(): State | 'reconnecting' {
    return this.state === 'idle' && this.schedule.waiting ? 'reconnecting' : this.state;
  }

  /** Whether a session is open or being opened (not counting a reconnect that is only waiting). */
  get active(): boolean {
    return this.state === 'open' || (this.inFlight !== undefined && this.inFlightAuth);
  }

  /** Whether the current (or in-flight) session authenticated, or is authenticating, with `credential`. */
  usesCredential(credential: string): boolean {
    return this.#sessionCredentials.includes(credential);
  }

  /** Connects and authenticates; resolves with the ConnectResult. Returns the current one when already connected. */
  connect(signal?: AbortSignal): Promise<ConnectResult> {
    if (this.state === 'open' && this.result !== undefined) return Promise.resolve(this.result);
    if (this.inFlight !== undefined) {
      // An attach in flight: authenticate on its socket once it is open (its failure is this call's).
      return this.inFlightAuth ? (this.inFlight as Promise<ConnectResult>) : this.inFlight.then(() => this.connect(signal));
    }
    // Logged out just now: authenticate once the engine has confirmed the deauth, not before.
    if (this.deauthing !== undefined) return this.deauthing.then(() => this.connect(signal));
    this.schedule.cancel();
    this.desired = 'authenticated';
    this.schedule.reset();
    return this.run(signal, this.reusableSocket(), true) as Promise<ConnectResult>;
  }

  /**
   * Opens a socket without authenticating (state `attached`: only `rrext_public_*` requests go out).
   * With a socket already open, authenticated or not, it does nothing. Persist mode restores a lost
   * attached socket, unauthenticated. A reconnect that was waiting is replaced by this attach.
   */
  attach(signal?: AbortSignal): Promise<void> {
    this.keepAttached = true;
    if (this.socket !== undefined) {
      if (this.desired === 'detached') this.desired = 'attached';
      return Promise.resolve();
    }
    // An attempt in flight opens a socket (or fails, and so does this attach).
    if (this.inFlight !== undefined) return this.inFlight.then(() => undefined);
    this.schedule.cancel();
    this.schedule.reset();
    this.desired = 'attached';
    return this.run(signal, undefined, false).then(() => undefined);
  }

  /**
   * Authenticates again. On an open session with a credential other than the session's, the session
   * ends (`disconnected` with {@link REASON_REAUTHENTICATING}) and `auth` goes out on the same socket;
   * otherwise as {@link connect}: the current result, an `auth` on a logged-out socket, or a new socket.
   */
  login(signal?: AbortSignal): Promise<ConnectResult> {
    const credential = this.host.settings().credential;
    if (this.inFlight !== undefined && !this.usesCredential(credential)) {
      const again = () => this.login(signal);
      return this.inFlight.then(again, again);
    }
    if (this.state === 'open' && !this.usesCredential(credential)) {
      this.state = 'attached';
      this.host.debug?.('re-authenticating with another credential');
      this.host.disconnected(REASON_REAUTHENTICATING, false, this.gen);
    }
    return this.connect(signal);
  }

  /**
   * Ends the session but keeps the socket: sends `deauth` and resolves once the engine confirmed it.
   * Takes effect at once: the client no longer counts as connected and `disconnected` is reported
   * ({@link REASON_LOGGED_OUT}). Nothing is reconnected or re-authenticated until the next login.
   * A connect in flight is awaited first; a reconnect that was only waiting is cancelled. When the
   * engine does not confirm, the socket is closed so that no session is left behind.
   */
  async logout(): Promise<void> {
    if (this.schedule.waiting) {
      this.schedule.cancel();
      this.toDetached();
      this.host.connectError(new ConnectionError(REASON_LOGGED_OUT, { code: 'ERR_DISCONNECTED' }));
      return;
    }
    if (this.inFlight !== undefined) await this.inFlight.catch(() => {});
    if (this.deauthing !== undefined) return this.deauthing;
    // ---- before deauth: the host's cleanup (store handles, §16.C.7) while requests still go out ----
    if (this.state === 'open') {
      const before = this.host.beforeDeauth?.();
      if (before !== undefined) await before.catch(() => {});
      if (this.deauthing !== undefined) return this.deauthing; // a concurrent logout() went ahead meanwhile
    }
    // ----
    const conn = this.conn;
    if (this.state !== 'open' || conn === undefined) return;
    this.desired = 'attached';
    this.state = 'attached';
    this.host.debug?.('logging out');
    this.host.disconnected(REASON_LOGGED_OUT, false, this.gen);
    const done = this.deauth(conn);
    this.deauthing = done;
    try {
      await done;
    } finally {
      if (this.deauthing === done) this.deauthing = undefined;
    }
  }

  private async deauth(conn: Connection): Promise<void> {
    let confirmed = false;
    try {
      const reply = await sendLifecycleRequest(this.host, conn, 'deauth', {}, this.host.settings().connectTimeout, undefined);
      confirmed = reply.success === true;
    } catch {
      confirmed = false;
    }
    if (!confirmed && this.conn === conn && this.state === 'attached') this.dropSocket('Logout not confirmed');
  }

  /** The logged-out socket, if it may take another `auth`; one that used up the engine's limit is closed. */
  private reusableSocket(): Connection | undefined {
    if (this.state !== 'attached' || this.conn === undefined) return undefined;
    if (this.authCount < MAX_AUTHS_PER_CONNECTION) return this.conn;
    this.dropSocket('Authentication limit of the connection reached');
    return undefined;
  }

  /** Closes the unauthenticated socket (no `disconnected`: its session already ended). */
  private dropSocket(reason: string): void {
    const conn = this.conn;
    if (conn === undefined) return;
    this.conn = undefined;
    this.state = 'idle';
    if (this.desired === 'attached') this.toDetached();
    this.host.requests.pending.rejectAll((command) => new ConnectionError(reason, { code: 'ERR_DISCONNECTED', command }));
    this.host.debug?.(`socket closed: ${reason}`);
    conn.close(reason).catch(() => {});
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
    const waiting = this.schedule.waiting;
    this.toDetached();
    this.schedule.cancel();
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
    this.host.requests.pending.rejectAll((command) => new ConnectionError(reason, { code: 'ERR_DISCONNECTED', command }));
    this.host.debug?.(`socket closed: ${reason}`);
    if (wasOpen) this.host.disconnected(reason, false, this.gen);
    return conn.close(reason);
  }

  private run(signal: AbortSignal | undefined, reuse: Connection | undefined, authenticate: boolean): Promise<ConnectResult | undefined> {
    // Only the current attempt changes the lifecycle's state: one that disconnect() cut short (and a
    // connect() after it may already have replaced) just reports its outcome.
    const isCurrent = (): boolean => this.inFlight === promise;
    const promise: Promise<ConnectResult | undefined> = this.attempt(signal, reuse, authenticate).then(
      (result) => {
        if (isCurrent()) {
          this.inFlight = undefined;
          this.schedule.reset();
        }
        return result;
      },
      (error: unknown) => {
        const current = isCurrent();
        if (current) this.inFlight = undefined;
        const err = connectFailure(error);
        this.host.connectError(err);
        if (!current) throw err;
        // Refused credentials, a disconnect() and an abort end the attempts; anything else is retried in persist mode.
        if (!isFinal(err) && this.restores()) this.scheduleReconnect();
        else this.toDetached();
        throw err;
      },
    );
    this.inFlight = promise;
    this.inFlightAuth = authenticate;
    return promise;
  }

  /** Whether persist mode restores what the caller asked for after a loss: the session, or an attached socket. */
  private restores(): boolean {
    if (!this.host.settings().persist) return false;
    return this.desired === 'authenticated' || (this.desired === 'attached' && this.keepAttached);
  }

  private toDetached(): void {
    this.desired = 'detached';
    this.keepAttached = false;
  }

  /** One attempt: a socket (or the reusable one), then `auth` unless it only attaches. */
  private async attempt(userSignal: AbortSignal | undefined, reuse: Connection | undefined, authenticate: boolean): Promise<ConnectResult | undefined> {
    const s = this.host.settings();
    const abort = new AbortController();
    this.attemptAbort = abort;
    const signal = userSignal === undefined ? abort.signal : AbortSignal.any([abort.signal, userSignal]);
    const started = Date.now();
    this.state = 'connecting';
    if (authenticate) this.#sessionCredentials = [s.credential];
    let conn: Connection | undefined = reuse;
    try {
      if (conn !== undefined) {
        this.host.debug?.('authenticating on the open socket');
      } else {
        const opened = await openConnection(
          s,
          started,
          signal,
          {
            message: (c, data, isBinary) => {
              if (this.conn === c) this.host.receive(data, isBinary);
            },
            close: (c, reason, hasError) => this.onClose(c, reason, hasError),
          },
          this.host.debug,
        );
        conn = opened;
        this.conn = opened;
        this.authCount = 0;
        this.host.debug?.(authenticate ? 'socket open, authenticating' : 'socket open, attached without authentication');
      }
      // Aborted by the debug callback just now: send no auth.
      if (signal.aborted) throw abortError(signal, 'Connect');
      if (!authenticate) {
        this.state = 'attached';
        return undefined;
      }
      const remaining = Math.max(1, s.connectTimeout - (Date.now() - started));
      this.authCount += 1;
      const response = await sendAuth(this.host, conn, s, remaining, signal);
      // An abort or disconnect() may have come after the reply settled the request but before this continued.
      if (signal.aborted) throw abortError(signal, 'Connect');
      if (!response.success) throw authenticationError(response);
      const body = guardConnectResult(response.body);
      this.result = body;
      if (typeof body.userToken === 'string' && body.userToken !== '') {
        this.#sessionCredentials.push(body.userToken);
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

  private onClose(conn: Connection, reason: string, hasError: boolean): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    const wasOpen = this.state === 'open';
    const wasAttached = this.state === 'attached';
    this.state = 'idle';
    const code = reason === REASON_REQUESTED ? 'ERR_DISCONNECTED' : 'ERR_CONNECTION_LOST';
    this.host.requests.pending.rejectAll((command) => new ConnectionError(reason, { code, command }));
    this.host.debug?.(`socket closed: ${reason}`);
    // A socket lost while an attempt was using it: that attempt fails and decides what comes next.
    if (!wasOpen && !wasAttached) return;
    if (wasOpen) this.host.disconnected(reason, hasError, this.gen);
    // Persist mode restores the session, or the socket that attach() asked for; a socket that was only
    // left by a logout() is not restored.
    if (this.restores()) {
      this.schedule.lost();
      this.scheduleReconnect();
    } else {
      this.toDetached();
    }
  }

  private scheduleReconnect(): void {
    const s = this.host.settings();
    const scheduled = this.schedule.schedule(
      s,
      (attempt, delay) => this.host.reconnecting(attempt, delay),
      () => {
        if (!this.restores()) return;
        this.run(undefined, undefined, this.desired === 'authenticated').catch(() => {});
      },
    );
    if (scheduled) return;
    this.toDetached();
    this.host.connectError(new ConnectionError(`Gave up reconnecting after ${s.maxRetryTime}ms`, { code: 'ERR_RECONNECT_GAVE_UP' }));
  }
}
