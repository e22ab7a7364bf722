import { encodeMessage } from '../codec/encode.js';
import type { DAPRequest, DAPResponse } from '../codec/types.js';
import { ENV_APIKEY, ENV_URI, type EnvMap, loadEnv, protectEnv } from '../config/env.js';
import { type CallOptions, type ClientOptions, DEFAULTS, type RequestOptions } from '../config/options.js';
import { DEFAULT_URI, normalizeUri } from '../config/uri.js';
import { checkCallOptions, checkClientOptions, checkRequestOptions, describe } from '../config/validate.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { REDACTED } from '../errors/redact.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import type { RocketRideEvent } from '../schema/events.js';
import type { PipelineResult, UploadResult } from '../schema/pipeline-result.js';
import type { TaskStatus, UseResult } from '../schema/task-status.js';
import { abortError, PendingRequests } from '../transport/pending.js';
import { VERSION } from '../version.js';
import { checkConnectionParams, checkRequest, checkMonitorCall, checkRestartOptions, checkTaskTokenOptions, checkUseOptions } from './arguments.js';
import { type ChatOptions, chat } from '../data/chat.js';
import { requireString, responseError } from '../config/checks.js';
import { type MonitorOptions, type SetEventsOptions, setEvents } from '../commands/events.js';
import { getServerInfo, ping, type ServerInfo } from '../commands/misc.js';
import { guardAccountEvent } from '../connection/redaction.js';
import { getService, getServices, type ServicesResult, type ValidateOptions, validate } from '../commands/services.js';
import {
  getTaskPipeline,
  getTasks,
  getTaskStatus,
  getTaskToken,
  type RestartOptions,
  restart,
  type TaskSummary,
  terminate,
  type UseOptions,
  use,
} from '../commands/tasks.js';
import { type SendOptions, send } from '../commands/data.js';
import * as store from '../commands/store.js';
import type { AtomicWriteOptions } from '../commands/store-atomic.js';
import * as storeFiles from '../commands/store-files.js';
import { storeBeforeDeauth } from '../commands/store-state.js';
import * as storeText from '../commands/store-text.js';
import { DeployApi } from '../commands/deploy.js';
import type { CommandHost } from '../commands/host.js';
import { DatabaseApi } from '../commands/database.js';
import { AccountApi, accountInfo, orgIdOf } from '../commands/account.js';
import { type DashboardSnapshot, getDashboard } from '../commands/dashboard.js';
import {
  type CProfileReport,
  type CProfileStartResult,
  type CProfileStatus,
  type CProfileStopResult,
  cprofileReport,
  cprofileStart,
  cprofileStatus,
  cprofileStop,
} from '../commands/cprofile.js';
import { DataPipe, type DataPipeOptions, type SSECallback } from '../data/data-pipe.js';
import { TypedEmitter, safeCall } from '../events/emitter.js';
import { type InboundHost, receiveFrame } from '../events/inbound.js';
import { Lifecycle, type LifecycleHost, type LifecycleSettings, REASON_NEW_CREDENTIAL } from '../connection/lifecycle.js';
import { MonitorSync } from '../events/monitor-sync.js';
import type { MonitorKey } from '../events/monitors.js';
import { redactAuth } from '../connection/redact.js';
import { type SendFilesInput, type SendFilesOptions, sendFiles } from '../data/send-files.js';
import { SseRoutes } from '../events/sse-routes.js';

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
 * A client for one RocketRide engine: the connection lifecycle and the whole command surface of the
 * official SDK. Orchestration only; the work is done in `lifecycle.ts`, `transport/` and `commands/`.
 */
export class RocketRideClient extends TypedEmitter {
  // Secrets live in #private fields (util.inspect and JSON.stringify never reach them); the private
  // accessors below keep the rest of the class reading them by their usual names.
  readonly #options: ClientOptions;
  readonly #env: EnvMap;
  readonly #lifecycle: Lifecycle;
  #credential: string;
  /** The last identity and its copy without the userToken, which getConnectionInfo() hands out. */
  #shownResult: { of: ConnectResult; shown: ConnectResult } | undefined;
  private readonly pending = new PendingRequests();
  private readonly monitors: MonitorSync;
  private uri: string;
  private chatCounter = 0;
  private readonly sseRoutes = new SseRoutes();
  /** token → project/source, from the `use()` and `getTaskStatus()` results seen (bounded). */
  private readonly scopes = new Map<string, { projectId: string; source: string }>();

  /**
   * Checks every option before anything is opened.
   * @throws ValidationError `ERR_INVALID_OPTION` for an option of the wrong type or range (options
   *   that are not an object, `auth: 123`, `persist: 'yes'`, a negative or NaN timeout…), and
   *   `ERR_INVALID_URI` for `uri: null`, an empty or unparsable address, or an empty `ROCKETRIDE_URI`.
   */
  constructor(options: ClientOptions = {}) {
    super();
    const checked = checkClientOptions(options);
    this.#options = { ...checked };
    const env = loadEnv(checked.env);
    this.#env = protectEnv(env);
    const fromEnv = env[ENV_URI];
    if (checked.uri === undefined && fromEnv !== undefined && fromEnv.trim() === '') {
      throw new ValidationError(`${ENV_URI} is set but empty: set it to the engine address, or unset it`, { code: 'ERR_INVALID_URI' });
    }
    this.uri = normalizeUri(checked.uri ?? fromEnv ?? DEFAULT_URI, checked.wsPath ?? DEFAULTS.wsPath);
    this.#credential = checked.auth ?? env[ENV_APIKEY] ?? '';
    this.#lifecycle = new Lifecycle(this.host());
    this.monitors = new MonitorSync({
      isConnected: () => this.isConnected(),
      willReconnect: () => this.lifecycle.willReconnect,
      request: (command, args, opts) => this.request(command, args, opts),
      replayRefused: (error) => this.emit('protocolError', error),
      debug: (line) => {
        if (this.options.onDebugMessage !== undefined) this.debug(line);
      },
    });
  }

  /**
   * The environment `ROCKETRIDE_*` variables are read from (see `ClientOptions.env`).
   * `ROCKETRIDE_APIKEY` is readable but not enumerable: inspecting or serialising it never shows the key.
   */
  get env(): EnvMap {
    return this.#env;
  }

  private get options(): ClientOptions {
    return this.#options;
  }

  private get lifecycle(): Lifecycle {
    return this.#lifecycle;
  }

  private get credential(): string {
    return this.#credential;
  }

  private set credential(value: string) {
    this.#credential = value;
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
    return this.lifecycle.generation;
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
  connect(credential?: string, options: CallOptions = {}): Promise<ConnectResult> {
    const refused = this.takeCredential(credential, 'connect()', options);
    if (refused !== undefined) return Promise.reject(refused);
    if (credential !== undefined && this.lifecycle.active && !this.lifecycle.usesCredential(credential)) {
      // Takes effect at once (see disconnect()); only the closing handshake is left to the old socket.
      void this.lifecycle.disconnect(REASON_NEW_CREDENTIAL);
    }
    return this.lifecycle.connect(options.signal);
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
  login(credential?: string, options: CallOptions = {}): Promise<ConnectResult> {
    const refused = this.takeCredential(credential, 'login()', options);
    if (refused !== undefined) return Promise.reject(refused);
    return this.lifecycle.login(options.signal);
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
    return this.lifecycle.logout();
  }

  /**
   * Closes the connection and stops any reconnecting. Takes effect before it returns: the client is
   * no longer connected, pending requests and a connect in flight reject with `ERR_DISCONNECTED`, and
   * `'disconnected'` fires for an authenticated connection; a `connect()` after it (awaited or not)
   * opens a fresh connection. Resolves once the old socket has closed.
   */
  disconnect(): Promise<void> {
    return this.lifecycle.disconnect();
  }

  private takeCredential(credential: string | undefined, method: string, options: unknown): RocketRideError | undefined {
    if (credential !== undefined && typeof credential !== 'string') {
      return new ValidationError(`${method}: credential must be a string (got ${describe(credential)})`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    try {
      checkCallOptions(options, method);
    } catch (error) {
      return error as RocketRideError;
    }
    if (credential !== undefined) this.credential = credential;
    if (this.credential.trim() === '') {
      return new AuthenticationError(`No credential: pass one to ${method}, set options.auth or ROCKETRIDE_APIKEY`, {
        code: 'ERR_NO_CREDENTIAL',
      });
    }
    return undefined;
  }

  /** Whether the client is connected and authenticated. */
  isConnected(): boolean {
    return this.lifecycle.connection?.isOpen === true;
  }

  /** The connection's state. Holds no credential: the ConnectResult's `userToken` reads `***`. */
  getConnectionInfo(): ConnectionInfo {
    return {
      uri: this.uri,
      connected: this.isConnected(),
      state: this.lifecycle.status,
      generation: this.lifecycle.generation,
      persist: this.options.persist === true,
      clientName: this.options.clientName ?? DEFAULTS.clientName,
      clientVersion: this.options.clientVersion ?? VERSION,
      pendingRequests: this.pending.size,
      connectResult: this.shownResult(),
    };
  }

  /** The current identity with its userToken redacted; the same object until the identity changes. */
  private shownResult(): ConnectResult | undefined {
    const result = this.lifecycle.connectResult;
    if (result === undefined) return undefined;
    if (this.#shownResult?.of !== result) this.#shownResult = { of: result, shown: { ...result, userToken: REDACTED } };
    return this.#shownResult.shown;
  }

  /**
   * Changes the address and/or credential; takes effect at the next (re)connect.
   * @throws ValidationError (`ERR_INVALID_ARGUMENT`, `ERR_INVALID_URI`) for a bad value; nothing changes then.
   */
  setConnectionParams(params: { uri?: string; auth?: string }): void {
    checkConnectionParams(params);
    const uri = params.uri === undefined ? undefined : normalizeUri(params.uri, this.options.wsPath ?? DEFAULTS.wsPath);
    if (uri !== undefined) this.uri = uri;
    if (params.auth !== undefined) this.credential = params.auth;
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
    try {
      checkRequest(command, args, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // A logged-out socket still takes the engine's public commands (PROTOCOL.md §2.4).
    const conn =
      this.lifecycle.connection ?? (command.startsWith('rrext_public_') ? this.lifecycle.socket : undefined);
    if (conn === undefined) {
      return Promise.reject(
        new ConnectionError('Not connected: call connect() first', { code: 'ERR_NOT_CONNECTED', command }),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(abortError(signal, `Request "${command}"`));
    const seq = this.pending.nextSeq();
    const message: DAPRequest =
      args === undefined ? { type: 'request', seq, command } : { type: 'request', seq, command, arguments: args };
    let encoded: ReturnType<typeof encodeMessage>;
    try {
      encoded = encodeMessage(message);
    } catch (cause) {
      return Promise.reject(
        new ValidationError(`Could not encode "${command}": ${(cause as Error).message}`, { code: 'ERR_ENCODE', cause, command }),
      );
    }
    const timeout = options?.timeout ?? this.options.requestTimeout ?? 0;
    const reply = this.pending.add<B>(seq, command, timeout, signal);
    try {
      conn.send(encoded);
    } catch (cause) {
      this.pending.fail(seq, new ConnectionError('Could not send request', { code: 'ERR_SEND_FAILED', cause, command }));
    }
    if (this.options.onProtocolMessage !== undefined) safeCall(this.options.onProtocolMessage, redactAuth(message), 'send');
    return reply;
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

  // ---- commands ------------------------------------------------------------------------------

  // Every command checks its arguments before anything is sent: a bad one rejects with a coded
  // ValidationError (`ERR_INVALID_ARGUMENT`, `ERR_INVALID_PIPELINE`).

  /** Starts a pipeline (`execute`). See {@link UseOptions}. */
  async use(options: UseOptions): Promise<UseResult> {
    checkUseOptions(options);
    const result = await use(this, options);
    this.learnScope(result.token, result.projectId, result.source);
    return result;
  }
  /** Stops a task. */
  async terminate(token: string, options?: CallOptions): Promise<void> {
    requireString(token, 'terminate(): token');
    checkCallOptions(options, 'terminate()');
    return terminate(this, token, options);
  }
  /** The token of the task running `source` of `projectId` (`rrext_get_token`). */
  async getTaskToken(options: { projectId: string; source: string; signal?: AbortSignal }): Promise<string | undefined> {
    checkTaskTokenOptions(options);
    return getTaskToken(this, options);
  }
  /** The task's stored pipeline, placeholders unresolved (`rrext_get_pipeline`). */
  async getTaskPipeline(token: string, options?: CallOptions): Promise<Record<string, unknown> | undefined> {
    requireString(token, 'getTaskPipeline(): token');
    checkCallOptions(options, 'getTaskPipeline()');
    return getTaskPipeline(this, token, options);
  }
  /** The running tasks the caller may see (`rrext_get_tasks`). */
  async getTasks(options?: CallOptions): Promise<TaskSummary[]> {
    checkCallOptions(options, 'getTasks()');
    return getTasks(this, options);
  }
  /**
   * Restarts a task, sending the given token (the official SDKs overwrite it with `"*"`); without
   * one, the token is looked up from `projectId` and `source`.
   */
  async restart(options: RestartOptions): Promise<void> {
    checkRestartOptions(options);
    return restart(this, options);
  }
  /** The task's TASK_STATUS. */
  async getTaskStatus(token: string, options?: RequestOptions): Promise<TaskStatus> {
    requireString(token, 'getTaskStatus(): token');
    checkRequestOptions(options, 'getTaskStatus()');
    const status = await getTaskStatus(this, token, options);
    this.learnScope(token, status.project_id, status.source);
    return status;
  }
  /**
   * Sends one whole object through a new pipe and resolves with the pipeline's result. The fifth
   * argument is `{ signal, onSSE }`, or the SSE callback itself as in the official SDK.
   */
  send(
    token: string,
    data: string | Uint8Array,
    objinfo?: Record<string, unknown>,
    mimetype?: string,
    options?: SendOptions | SSECallback,
  ): Promise<PipelineResult> {
    return send(this, token, data, objinfo, mimetype, options);
  }
  /** A promise-style pipe (not yet opened). */
  openPipe(token: string, objinfo?: Record<string, unknown>, mimetype?: string, options?: DataPipeOptions): DataPipe {
    return new DataPipe(this, token, objinfo, mimetype, options);
  }
  /** Uploads files with bounded concurrency; one result per file, in input order. */
  sendFiles(files: readonly SendFilesInput[], token: string, options?: SendFilesOptions): Promise<UploadResult[]> {
    return sendFiles(this, files, token, options);
  }
  /** Asks a chat pipeline a question; resolves with the pipeline result (`answers`). */
  chat(options: ChatOptions): Promise<PipelineResult> {
    return chat(this, options);
  }
  /**
   * Sets the event types of a token directly (deprecated in the SDKs; not replayed after reconnect).
   * The third argument is `{ pipeId, signal }`, or a pipe id as in the official SDK.
   */
  setEvents(token: string, types: readonly string[], options?: SetEventsOptions | number): Promise<void> {
    return setEvents(this, token, types, options);
  }
  /**
   * Adds a ref-counted subscription. The engine stores a token subscription under its task's
   * project/source key, so the client resolves a token to its project/source (from `use()` or
   * `getTaskStatus()` results, else one `rrext_get_task_status`) and sends, per engine key, the union
   * of the types of every `{ token }` and `{ projectId, source }` subscriber mapped onto it. Replayed
   * after every (re)connect. Resolves once the engine accepted it, at once when not connected (sent at
   * the next connect), and also when the connection drops meanwhile in persist mode (kept for the
   * replay). Rejects, holding nothing, when the engine refuses it (`ERR_MONITOR`), on timeout or
   * abort, or when the connection is lost for good.
   */
  async addMonitor(key: MonitorKey, types: readonly string[], options?: MonitorOptions): Promise<void> {
    checkMonitorCall(key, types, options, 'addMonitor()');
    return this.monitors.add(key, types, options?.signal);
  }
  /** Removes a ref-counted subscription added with {@link addMonitor}; the engine gets the remaining union. */
  async removeMonitor(key: MonitorKey, types: readonly string[], options?: MonitorOptions): Promise<void> {
    checkMonitorCall(key, types, options, 'removeMonitor()');
    return this.monitors.remove(key, types, options?.signal);
  }
  /** Every service definition. */
  getServices(options?: CallOptions): Promise<ServicesResult> {
    return getServices(this, options);
  }
  /** One service definition. */
  getService(name: string, options?: CallOptions): Promise<Record<string, unknown>> {
    return getService(this, name, options);
  }
  /** Validates a pipeline on the engine. */
  validate(pipeline: Record<string, unknown> | { pipeline: Record<string, unknown>; source?: string }, options?: ValidateOptions): Promise<Record<string, unknown>> {
    return validate(this, pipeline, options);
  }
  /** Round trip to the engine (`rrext_ping`); a string is the official SDK's (ignored) token argument. */
  ping(options?: RequestOptions | string): Promise<void> {
    return ping(this, options);
  }
  /** Engine version and capabilities (`rrext_public_probe`; needs no credential). */
  getServerInfo(options?: CallOptions): Promise<ServerInfo> {
    return getServerInfo(this, this.uri, options);
  }

  // ---- store (rrext_store, PROTOCOL.md §16.B–§16.E; see commands/store*.ts) ----------------------

  /** Opens a store file (`'r'` with its size, or `'w'`); waits while 64 handles are open. ⚠ `'w'` truncates at once. */
  fsOpen(path: string, mode?: store.StoreMode, options?: CallOptions): Promise<store.StoreOpenResult> {
    return store.fsOpen(this, path, mode, options);
  }
  /** Reads up to `length` (≤ 4 MiB) bytes at `offset`; empty at the end of the file. */
  fsRead(handle: string, offset?: number, length?: number, options?: CallOptions): Promise<Buffer> {
    return store.fsRead(this, handle, offset, length, options);
  }
  /** Appends bytes to a write handle; resolves with the count the engine wrote. */
  fsWrite(handle: string, data: Uint8Array | readonly Uint8Array[] | string, options?: CallOptions): Promise<number> {
    return store.fsWrite(this, handle, data, options);
  }
  /** Closes a handle (a write handle is committed); `mode` defaults to the one it was opened with. */
  fsClose(handle: string, mode?: store.StoreMode, options?: CallOptions): Promise<void> {
    return store.fsClose(this, handle, mode, options);
  }
  /** Deletes a store file. */
  fsDelete(path: string, options?: CallOptions): Promise<void> {
    return store.fsDelete(this, path, options);
  }
  /** The immediate children of a store directory (default the root). */
  fsListDir(path?: string, options?: CallOptions): Promise<store.StoreListing> {
    return store.fsListDir(this, path, options);
  }
  /** Creates a store directory. */
  fsMkdir(path: string, options?: CallOptions): Promise<void> {
    return store.fsMkdir(this, path, options);
  }
  /** Removes a store directory, with its content when `recursive`. */
  fsRmdir(path: string, recursive?: boolean, options?: CallOptions): Promise<void> {
    return store.fsRmdir(this, path, recursive, options);
  }
  /** What a store path is: `{ exists, type?, size?, modified? }`. */
  fsStat(path: string, options?: CallOptions): Promise<store.StoreStat> {
    return store.fsStat(this, path, options);
  }
  /** Moves a store file or directory; the destination must not exist. */
  fsRename(oldPath: string, newPath: string, options?: CallOptions): Promise<void> {
    return store.fsRename(this, oldPath, newPath, options);
  }
  /** A store file as UTF-8 text. */
  fsReadString(path: string, options?: CallOptions): Promise<string> {
    return storeText.fsReadString(this, path, options);
  }
  /** Writes UTF-8 text to a store file, atomically (temporary file + rename). */
  fsWriteString(path: string, text: string, options?: AtomicWriteOptions): Promise<void> {
    return storeText.fsWriteString(this, path, text, options);
  }
  /** A store file's JSON, parsed. */
  fsReadJson<T = unknown>(path: string, options?: CallOptions): Promise<T> {
    return storeText.fsReadJson<T>(this, path, options);
  }
  /** Writes a value as JSON (indented by 2) to a store file, atomically. */
  fsWriteJson(path: string, value: unknown, options?: AtomicWriteOptions): Promise<void> {
    return storeText.fsWriteJson(this, path, value, options);
  }
  /** Saves a pipeline as `.templates/<templateId>.json`. */
  saveTemplate(options: { templateId: string; pipeline: Record<string, unknown> } & CallOptions): Promise<void> {
    return storeFiles.saveTemplate(this, options);
  }
  /** A saved template's pipeline. */
  getTemplate(options: { templateId: string } & CallOptions): Promise<Record<string, unknown>> {
    return storeFiles.getTemplate(this, options);
  }
  /** Deletes a template. */
  deleteTemplate(options: { templateId: string } & CallOptions): Promise<void> {
    return storeFiles.deleteTemplate(this, options);
  }
  /** Every template: `[{ id, name, sources, totalComponents }]`. */
  getAllTemplates(options?: CallOptions): Promise<storeFiles.TemplateSummary[]> {
    return storeFiles.getAllTemplates(this, options);
  }
  /** Saves a log as `.logs/<projectId>/<source>-<startTime>.log`; resolves with the file name. */
  saveLog(options: { projectId: string; source: string; contents: Record<string, unknown> } & CallOptions): Promise<string> {
    return storeFiles.saveLog(this, options);
  }
  /** A saved log. */
  getLog(options: { projectId: string; name: string } & CallOptions): Promise<Record<string, unknown>> {
    return storeFiles.getLog(this, options);
  }
  /** Deletes a log. */
  deleteLog(options: { projectId: string; name: string } & CallOptions): Promise<void> {
    return storeFiles.deleteLog(this, options);
  }
  /** A project's logs, oldest first. */
  listLogs(options: { projectId: string; source?: string } & CallOptions): Promise<storeFiles.LogSummary[]> {
    return storeFiles.listLogs(this, options);
  }

  // ---- internals used by the command modules ---------------------------------------------------

  /** @internal Dispatches an event to `onEvent` and the `'event'` listeners. */
  dispatchEvent(event: RocketRideEvent): void {
    event = guardAccountEvent(event);
    safeCall(this.options.onEvent, event);
    this.emit('event', event);
  }

  /**
   * @internal Subscribes to one pipe's SSE events and routes them, by task and pipe id, to `callback`.
   * Uses a ref-counted `addMonitor({ projectId, source, pipeId }, ['SSE'])` when the task's
   * project/source is known or can be looked up, else `rrext_monitor { token, pipeId }` directly (e.g. a
   * `pk_` connection without `task.monitor`). Resolves with the function that ends both.
   */
  async subscribePipeSse(token: string, pipeId: number, callback: SSECallback, signal?: AbortSignal): Promise<() => void> {
    let scope = this.scopes.get(token);
    if (scope === undefined) {
      const response = await this.request<{ project_id?: unknown; source?: unknown }>('rrext_get_task_status', { token }, { signal });
      const body = response.body;
      if (response.success && typeof body?.project_id === 'string' && typeof body.source === 'string') {
        this.learnScope(token, body.project_id, body.source);
        scope = { projectId: body.project_id, source: body.source };
      }
    }
    if (scope !== undefined) {
      const key = { projectId: scope.projectId, source: scope.source, pipeId };
      const unroute = this.sseRoutes.add(token, scope.source, pipeId, callback);
      try {
        await this.addMonitor(key, ['SSE'], { signal });
      } catch (error) {
        unroute();
        throw error;
      }
      return () => {
        unroute();
        this.removeMonitor(key, ['SSE']).catch((error: Error) => this.debug(`SSE unsubscribe failed: ${error.message}`));
      };
    }
    const unroute = this.sseRoutes.add(token, undefined, pipeId, callback);
    try {
      await setEvents(this, token, ['SSE'], { signal, pipeId });
    } catch (error) {
      unroute();
      throw error;
    }
    return () => {
      unroute();
      if (!this.isConnected()) return;
      setEvents(this, token, [], { pipeId }).catch((error: Error) => this.debug(`SSE unsubscribe failed: ${error.message}`));
    };
  }

  /** @internal The next `Question <n>` number for chat(). */
  nextChatNumber(): number {
    this.chatCounter += 1;
    return this.chatCounter;
  }

  /** @internal The `requestTimeout` option in ms (0 = none): pipe timeouts never exceed it when set. */
  get defaultRequestTimeout(): number {
    return this.options.requestTimeout ?? 0;
  }

  /** @internal Connection settings for the socket (used by getServerInfo). */
  socketSettings(): { connectTimeout: number; perMessageDeflate: boolean; maxPayload: number } {
    return {
      connectTimeout: this.options.connectTimeout ?? DEFAULTS.connectTimeout,
      perMessageDeflate: this.options.perMessageDeflate ?? false,
      maxPayload: this.options.maxPayload ?? DEFAULTS.maxPayload,
    };
  }

  private learnScope(token: string, projectId: unknown, source: unknown): void {
    this.monitors.learn(token, projectId, source);
    if (typeof projectId !== 'string' || typeof source !== 'string' || projectId === '' || source === '') return;
    this.scopes.delete(token);
    this.scopes.set(token, { projectId, source });
    if (this.scopes.size > 1024) this.scopes.delete(this.scopes.keys().next().value as string);
  }

  private debug(line: string): void {
    safeCall(this.options.onDebugMessage, line);
  }

  /** The receive path's view of the client (see `inbound.ts`); the options are read per frame. */
  private readonly inbound: InboundHost = {
    pending: this.pending,
    sseRoutes: this.sseRoutes,
    protocolMessage: () => this.options.onProtocolMessage,
    debug: () => (this.options.onDebugMessage === undefined ? undefined : (line) => this.debug(line)),
    protocolError: (error) => this.emit('protocolError', error),
    account: (body) => {
      this.lifecycle.connectResult = body;
      if (typeof body.userToken === 'string' && body.userToken !== '') this.credential = body.userToken;
    },
    dispatch: (event) => this.dispatchEvent(event),
    listenerError: (where, thrown) => this.reportListenerError(where, thrown),
  };

  private receive(data: Buffer, isBinary: boolean): void {
    receiveFrame(this.inbound, data, isBinary);
  }

  private host(): LifecycleHost {
    const o = this.options;
    const settings = (): LifecycleSettings => ({
      uri: this.uri,
      credential: this.credential,
      clientName: o.clientName ?? DEFAULTS.clientName,
      clientVersion: o.clientVersion ?? VERSION,
      persist: o.persist === true,
      reconnectDelay: o.reconnectDelay ?? DEFAULTS.reconnectDelay,
      maxReconnectDelay: o.maxReconnectDelay ?? DEFAULTS.maxReconnectDelay,
      maxRetryTime: o.maxRetryTime,
      connectTimeout: o.connectTimeout ?? DEFAULTS.connectTimeout,
      keepaliveInterval: o.keepaliveInterval ?? DEFAULTS.keepaliveInterval,
      keepaliveTimeout: o.keepaliveTimeout ?? DEFAULTS.keepaliveTimeout,
      perMessageDeflate: o.perMessageDeflate ?? false,
      maxPayload: o.maxPayload ?? DEFAULTS.maxPayload,
    });
    return {
      pending: this.pending,
      settings,
      receive: (data, isBinary) => this.receive(data, isBinary),
      connected: (result, generation) => {
        this.monitors.replay();
        safeCall(o.onConnected, result);
        this.emit('connected', { result, generation });
      },
      disconnected: (reason, hasError, generation) => {
        safeCall(o.onDisconnected, reason, hasError);
        this.emit('disconnected', { reason, hasError, generation });
      },
      reconnecting: (attempt, delay) => {
        if (o.onDebugMessage !== undefined) this.debug(`reconnect attempt ${attempt} in ${delay}ms`);
        this.emit('reconnecting', { attempt, delay });
      },
      connectError: (error) => {
        safeCall(o.onConnectError, error);
        this.emit('connectError', error);
      },
      credentialChanged: (credential) => {
        this.credential = credential;
      },
      sent: (message) => {
        if (o.onProtocolMessage !== undefined) safeCall(o.onProtocolMessage, redactAuth(message), 'send');
      },
      debug: o.onDebugMessage === undefined ? undefined : (line) => this.debug(line),
      beforeDeauth: () => storeBeforeDeauth(this),
    };
  }

  // ---- server tools (issue 13): deployments, dashboard, profiling, account, database -----------
  // Thin delegation only; the work is in commands/deploy.ts, dashboard.ts, cprofile.ts, account.ts, database.ts.

  private toolHost(): CommandHost {
    return { request: (command, args, options) => this.request(command, args, options) };
  }

  private deployApi: DeployApi | undefined;
  /** Deployments (`rrext_deploy_*`): `add`, `list`, `status`, `update`, `remove`. */
  get deploy(): DeployApi {
    this.deployApi ??= new DeployApi(this.toolHost());
    return this.deployApi;
  }

  /** A snapshot of the server's connections and tasks (`rrext_dashboard`; needs `task.monitor`). */
  getDashboard(options?: CallOptions): Promise<DashboardSnapshot> {
    return getDashboard(this.toolHost(), options);
  }

  /** Starts a cProfile session of the server, or of the task whose token is `target` (`rrext_cprofile_start`). */
  cprofileStart(target?: string | null, session?: string, options?: CallOptions): Promise<CProfileStartResult> {
    return cprofileStart(this.toolHost(), target, session, options);
  }
  /** Stops the session this connection owns (`rrext_cprofile_stop`). */
  cprofileStop(target?: string | null, options?: CallOptions): Promise<CProfileStopResult> {
    return cprofileStop(this.toolHost(), target, options);
  }
  /** Whether a profiling session is active (`rrext_cprofile_status`). */
  cprofileStatus(target?: string | null, options?: CallOptions): Promise<CProfileStatus> {
    return cprofileStatus(this.toolHost(), target, options);
  }
  /** The report of the last completed session (`rrext_cprofile_report`). */
  cprofileReport(target?: string | null, options?: CallOptions): Promise<CProfileReport> {
    return cprofileReport(this.toolHost(), target, options);
  }

  private accountApi: AccountApi | undefined;
  /** The user's account (`rrext_account_me`): `getEnv`, `setEnv`, `envKeys` in OSS; the rest SaaS only. */
  get account(): AccountApi {
    this.accountApi ??= new AccountApi({ ...this.toolHost(), credential: () => this.credential });
    return this.accountApi;
  }
  /** The ConnectResult of the current authenticated session (undefined when not connected or logged out). */
  getAccountInfo(): ConnectResult | undefined {
    return accountInfo(this.isConnected(), this.getConnectionInfo().connectResult);
  }
  /** The id of the user's first organisation, if any. */
  getOrgId(): string | undefined {
    return orgIdOf(this.getAccountInfo());
  }

  private databaseApi: DatabaseApi | undefined;
  /** The database helper: `query({ token, sql })` and `dialect({ token })`, both `chat()` underneath. */
  get database(): DatabaseApi {
    this.databaseApi ??= new DatabaseApi({ chat: (options) => this.chat(options) });
    return this.databaseApi;
  }
}
