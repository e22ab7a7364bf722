import type { DAPRequest, DAPResponse } from '../codec/types.js';
import { type EnvMap, protectEnv } from '../config/env.js';
import type { Credential } from '../connection/pkce.js';
import type { CallOptions, ClientOptions, RequestOptions } from '../config/options.js';
import { normalizeUri } from '../config/uri.js';
import { responseError } from '../config/checks.js';
import { REASON_NEW_CREDENTIAL } from '../connection/lifecycle-host.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { TypedEmitter } from '../events/emitter.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { checkAttach, checkConnectionParams, checkEnvMap } from './arguments.js';
import { ClientState, registerState } from './state.js';

/** What `getConnectionInfo()` reports. */
export interface ConnectionInfo {
  /** The normalised WebSocket URI. */
  uri: string;
  connected: boolean;
  /** `attached`: the socket is open but logged out (`logout()`); only `rrext_public_*` commands work. */
  state: 'idle' | 'connecting' | 'open' | 'attached' | 'reconnecting';
  generation: number;
  persist: boolean;
  clientName: string;
  clientVersion: string;
  /** Requests waiting for a response. */
  pendingRequests: number;
  /** The last ConnectResult (identity), if ever authenticated; its `userToken` (a credential) reads `***`. */
  connectResult: ConnectResult | undefined;
}

/**
 * The connection half of RocketRideClient: lifecycle (connect, login, logout, disconnect), state and
 * the request methods. The wiring lives in {@link ClientState}; this class only delegates.
 */
export class ClientBase extends TypedEmitter {
  // Every internal (options, credential, lifecycle, requests, events) lives in one #private state:
  // util.inspect and JSON.stringify never reach it.
  readonly #state: ClientState;

  /**
   * Checks every option before anything is opened.
   * @throws ValidationError `ERR_INVALID_OPTION` for an option of the wrong type or range (options
   *   that are not an object, `auth: 123`, `persist: 'yes'`, a negative or NaN timeout…), and
   *   `ERR_INVALID_URI` for `uri: null`, an empty or unparsable address, or an empty `ROCKETRIDE_URI`.
   */
  constructor(options: ClientOptions = {}) {
    super();
    this.#state = new ClientState(
      this,
      { emit: (name, payload) => this.emit(name, payload), reportListenerError: (where, thrown) => this.reportListenerError(where, thrown) },
      options,
    );
    registerState(this, this.#state);
  }

  /**
   * The environment `ROCKETRIDE_*` variables are read from (see `ClientOptions.env`).
   * `ROCKETRIDE_APIKEY` is readable but not enumerable: inspecting or serialising it never shows the key.
   */
  get env(): EnvMap {
    return this.#state.env;
  }

  /**
   * Replaces the environment that `use()` substitutes `${ROCKETRIDE_*}` from and forwards with `execute`
   * (the official SDK's `setEnv`); takes effect at the next `use()`. The address and the credential were
   * resolved when the client was made and do not change. `ROCKETRIDE_APIKEY` stays readable but hidden,
   * as in {@link env}. Not the server's environment: that is `account.setEnv()`.
   * @throws ValidationError `ERR_INVALID_ARGUMENT` when `env` is not an object of strings.
   */
  setEnv(env: Record<string, string>): void {
    this.#state.env = protectEnv(checkEnvMap(env, 'setEnv()'));
  }


  /** What `JSON.stringify(client)` shows: the connection's state, never a credential. */
  toJSON(): Omit<ConnectionInfo, 'connectResult'> {
    const { connectResult: _identity, ...info } = this.getConnectionInfo();
    return info;
  }

  /** What `util.inspect(client)` and `console.log(client)` show: as {@link toJSON}. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: unknown, inspect: (value: unknown, options?: unknown) => string): string {
    const Shown = { [this.constructor.name]: class {} }[this.constructor.name]!;
    return inspect(Object.assign(new Shown(), this.toJSON()), options);
  }

  /** Increments on every successful (re)connect; compare it to spot a reconnect. */
  get generation(): number {
    return this.#state.lifecycle.generation;
  }

  // ---- connection ----------------------------------------------------------------------------

  /**
   * Opens the socket and authenticates. `credential` (if given) replaces the configured one for this
   * and later reconnects. Resolves with the ConnectResult; when already connected (or connecting)
   * without a credential or with the one of the current session, returns that session's result.
   * With a different credential, the current session ends (`'disconnected'` with reason
   * {@link REASON_NEW_CREDENTIAL}, pending requests and a connect in flight reject with
   * `ERR_DISCONNECTED`) and a fresh connection authenticates with the new one.
   * `options.signal` is honoured at every step (socket open, before auth is sent, awaiting its reply):
   * an abort rejects with AbortError and closes the socket; persist mode does not retry it.
   * @throws AuthenticationError (`ERR_AUTHENTICATION`, `ERR_NO_CREDENTIAL`), ConnectionError
   *   (`ERR_CONNECT_FAILED`), TimeoutError (`ERR_CONNECT_TIMEOUT`), AbortError.
   */
  connect(credential?: Credential, options: CallOptions = {}): Promise<ConnectResult> {
    const taken = this.#state.takeCredential(credential, 'connect()', options);
    if (taken.error !== undefined) return Promise.reject(taken.error);
    if (taken.credential !== undefined && this.#state.lifecycle.active && !this.#state.lifecycle.usesCredential(taken.credential)) {
      // Takes effect at once (see disconnect()); only the closing handshake is left to the old socket.
      void this.#state.lifecycle.disconnect(REASON_NEW_CREDENTIAL);
    }
    return this.#state.lifecycle.connect(options.signal);
  }

  /**
   * Authenticates again, on the open socket when there is one (the official SDK's `login`).
   * `credential` (if given) replaces the configured one, as in {@link connect}. After `logout()` it
   * sends `auth` on the logged-out socket (a new socket once that one has used up the engine's 5
   * `auth`s); on an open session with another credential it ends that session (`'disconnected'` with
   * reason `Re-authenticating`) and authenticates on the same socket; with the session's credential
   * it returns the current result; without a socket it connects. `'connected'` follows every success.
   * A failed `auth` closes the socket (the engine does so too).
   * @throws as {@link connect}.
   */
  login(credential?: Credential, options: CallOptions = {}): Promise<ConnectResult> {
    const taken = this.#state.takeCredential(credential, 'login()', options);
    if (taken.error !== undefined) return Promise.reject(taken.error);
    return this.#state.lifecycle.login(options.signal);
  }

  /**
   * Opens the socket without authenticating (the official SDK's `attach`): state `attached`, only
   * `rrext_public_*` requests go out (`getServerInfo()`), as after `logout()`; `login()` then
   * authenticates on it. With a socket already open (authenticated or not) it does nothing. A `uri`
   * other than the current address closes whatever is open (as `detach()`) and becomes the address.
   * Persist mode reopens a lost attached socket, without authenticating.
   * @throws ValidationError (`ERR_INVALID_URI`, `ERR_INVALID_ARGUMENT`; nothing is opened), ConnectionError
   *   (`ERR_CONNECT_FAILED`, `ERR_DISCONNECTED`), TimeoutError (`ERR_CONNECT_TIMEOUT`), AbortError.
   */
  async attach(uri?: string, options: CallOptions = {}): Promise<void> {
    const target = checkAttach(uri, options, this.#state.settings.wsPath);
    if (target !== undefined && target !== this.#state.endpoint.uri) {
      void this.#state.lifecycle.disconnect();
      this.#state.endpoint.uri = target;
    }
    return this.#state.lifecycle.attach(options.signal);
  }

  /**
   * Closes the socket, authenticated or not, and stops any reconnecting (the official SDK's `detach`;
   * the same as {@link disconnect}).
   */
  detach(): Promise<void> {
    return this.#state.lifecycle.disconnect();
  }

  /** Whether the socket is open, authenticated or not (after `attach()` or `logout()` too). */
  isAttached(): boolean {
    return this.#state.lifecycle.socket?.isOpen === true;
  }

  /**
   * Ends the session but keeps the socket (`deauth`, as the official SDK's `logout`). Takes effect at
   * once: `isConnected()` is false, `'disconnected'` fires (reason `Logged out`), requests other than
   * `rrext_public_*` reject `ERR_NOT_CONNECTED`; persist mode neither reconnects nor re-authenticates
   * until the next `login()`/`connect()`. Resolves once the engine confirmed the deauth (when it does
   * not, the socket is closed). Without a session it does nothing; a reconnect that was waiting is
   * cancelled.
   */
  logout(): Promise<void> {
    return this.#state.lifecycle.logout();
  }

  /**
   * Closes the connection and stops any reconnecting. Takes effect before it returns: the client is
   * no longer connected, pending requests and a connect in flight reject with `ERR_DISCONNECTED`, and
   * `'disconnected'` fires for an authenticated connection; a `connect()` after it (awaited or not)
   * opens a fresh connection. Resolves once the old socket has closed.
   */
  disconnect(): Promise<void> {
    return this.#state.lifecycle.disconnect();
  }

  /** Whether the client is connected and authenticated. */
  isConnected(): boolean {
    return this.#state.lifecycle.connection?.isOpen === true;
  }

  /** The connection's state. Holds no credential: the ConnectResult's `userToken` reads `***`. */
  getConnectionInfo(): ConnectionInfo {
    const s = this.#state;
    return {
      uri: s.endpoint.uri,
      connected: this.isConnected(),
      state: this.#state.lifecycle.status,
      generation: this.#state.lifecycle.generation,
      persist: s.settings.persist,
      clientName: s.settings.clientName,
      clientVersion: s.settings.clientVersion,
      pendingRequests: s.requests.pending.size,
      connectResult: s.shownResult(),
    };
  }

  /**
   * Changes the address and/or credential; takes effect at the next (re)connect.
   * @throws ValidationError (`ERR_INVALID_ARGUMENT`, `ERR_INVALID_URI`) for a bad value; nothing changes then.
   */
  setConnectionParams(params: { uri?: string; auth?: string }): void {
    checkConnectionParams(params);
    const endpoint = this.#state.endpoint;
    const uri = params.uri === undefined ? undefined : normalizeUri(params.uri, this.#state.settings.wsPath);
    if (uri !== undefined) endpoint.uri = uri;
    if (params.auth !== undefined) endpoint.credential = params.auth;
  }

  // ---- requests ------------------------------------------------------------------------------

  /** Builds a request envelope (no seq yet; `request()` assigns one). */
  buildRequest(command: string, args?: Record<string, unknown>, token?: string): DAPRequest {
    const a: Record<string, unknown> = { ...args };
    if (token !== undefined) a.token = token;
    return { type: 'request', command, arguments: a };
  }

  /** Whether a response reports a failure (`success` not true). */
  didFail(response: DAPResponse<unknown> | undefined): boolean {
    return response?.success !== true;
  }

  /**
   * Sends one request and resolves with its response, whatever its `success`. `args.data` (a
   * Uint8Array or a list of them) makes it a binary frame, sent as fragments without concatenation.
   * @throws ConnectionError (`ERR_NOT_CONNECTED`, `ERR_CONNECTION_LOST`, `ERR_DISCONNECTED`),
   *   TimeoutError (`ERR_TIMEOUT`), AbortError (`ERR_ABORTED`), ValidationError (`ERR_ENCODE`,
   *   `ERR_INVALID_ARGUMENT` for a bad command, arguments or options: nothing is sent).
   */
  request<B = Record<string, unknown>>(
    command: string,
    args?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<DAPResponse<B>> {
    return this.#state.request<B>(command, args, options);
  }

  /**
   * Sends a request and resolves with its body.
   * @throws RocketRideError `ERR_REQUEST_FAILED` on `success:false` (message = the server's message).
   */
  async dapRequest<B = Record<string, unknown>>(
    command: string,
    args?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<B | undefined> {
    const response = await this.request<B>(command, args, options);
    if (!response.success) {
      throw responseError(RocketRideError, 'ERR_REQUEST_FAILED', response, `${command} failed`);
    }
    return response.body;
  }

  /** The official SDK's name for {@link dapRequest}: sends a request, throws on failure, resolves with the body. */
  call<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<B | undefined> {
    return this.dapRequest<B>(command, args, options);
  }

  /** `await using client = new RocketRideClient(…)`: disconnects when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.disconnect();
  }

}
