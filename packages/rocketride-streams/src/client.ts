import {
  type CallOptions,
  checkCallOptions,
  type ClientOptions,
  type ConnectResult,
  type Credential,
  ENV_APIKEY,
  type PipelineResult,
  RocketRideClient,
  type RocketRideEvent,
  type TaskStatus,
  ValidationError,
} from '@rocketride-streams/core';
import {
  type ConnectionState,
  connection$,
  type EventsFilter,
  type EventsOptions,
  events$,
  type SseMessage,
  type SseOptions,
  sse$,
  status$,
  type TaskLifecycle,
  type TaskStreamOptions,
  task$,
} from '@rocketride-streams/rx';
import {
  createWritable,
  type FileEntry,
  type FileResult,
  httpUpload,
  type HttpUploadOptions,
  type PipeOptions,
  PipeWritable,
  type PipeWritableStream,
  StoreApi,
  upload,
  uploadFiles,
  type UploadFilesOptions,
  type UploadOptions,
  type UploadSource,
} from '@rocketride-streams/streams';
import type { Engine } from '@rocketride-streams/testing';
import type { Observable } from 'rxjs';

/** HTTP uploads bound to a client's engine address and credential (see {@link RocketRide.http}). */
export interface RocketRideHttp {
  /**
   * Streams a source to `POST /task/data?token=` with backpressure, and resolves to the
   * object's result; for environments where a WebSocket is not an option. See `httpUpload` in
   * `@rocketride-streams/streams` for the options and errors. The token comes first (a source there is
   * `ERR_INVALID_ARGUMENT`: the order before 0.x's change).
   */
  upload(token: string, source: UploadSource, options?: HttpUploadOptions): Promise<PipelineResult>;
}

/**
 * Refuses a token argument that is not a string, with the façade's own form in the message: most likely a
 * call written for the order before the 0.x change (source first). Returns the error, for the caller to reject with.
 */
function tokenFirst(token: unknown, call: string, form: string): ValidationError | undefined {
  if (typeof token === 'string') return undefined;
  const got = token === null ? 'null' : Array.isArray(token) ? 'an array' : typeof token === 'object' ? 'an object' : typeof token === 'undefined' ? 'undefined' : typeof token;
  return new ValidationError(`${call} takes the task token first: ${form}, got ${got} where the token goes (0.x API change: the token used to come after the source)`, {
    code: 'ERR_INVALID_ARGUMENT',
  });
}

/**
 * The connected client most users hold: every command of the core client, plus stream methods so that
 * `source.pipe(rocketride.pipe(token))` reads as written.
 */
export class RocketRide extends RocketRideClient {
  #engine: Engine | undefined;
  /** The credential as configured (not the engine's session `userToken`), for the HTTP routes. */
  #credential: string;

  /**
   * HTTP uploads to the same engine with the same credential: `rocketride.http.upload(token, source)`.
   * The base URL comes from the client's URI (`ws://` → `http://`, `wss://` → `https://`, path dropped).
   * Needs no open WebSocket.
   */
  readonly http: RocketRideHttp = {
    upload: (token, source, options) => {
      const refused = tokenFirst(token, 'rocketride.http.upload()', 'rocketride.http.upload(token, source, options?)');
      if (refused) return Promise.reject(refused);
      return httpUpload({ uri: this.getConnectionInfo().uri, auth: this.#credential }, token, source, options);
    },
  };

  #store: StoreApi | undefined;

  /**
   * The engine's file store, streams first: `createReadStream`/`readable`, atomic `createWriteStream`/`writable`,
   * `readFile`, `writeFile`, `readJson`, `writeJson`, `list`, `stat`, `mkdir`, `rm`, `rename`, `exists`.
   */
  get store(): StoreApi {
    this.#store ??= new StoreApi(this);
    return this.#store;
  }

  constructor(options: ClientOptions = {}) {
    super(options);
    this.#credential = options.auth ?? this.env[ENV_APIKEY] ?? '';
  }

  override connect(credential?: Credential, options?: CallOptions): Promise<ConnectResult> {
    this.#takeCredential(credential, options, 'connect()');
    return this.#followPkce(credential, super.connect(credential, options));
  }

  override login(credential?: Credential, options?: CallOptions): Promise<ConnectResult> {
    this.#takeCredential(credential, options, 'login()');
    return this.#followPkce(credential, super.login(credential, options));
  }

  /** A PKCE code is no HTTP credential: after its login the HTTP routes use the session's `userToken`. */
  #followPkce(credential: Credential | undefined, session: Promise<ConnectResult>): Promise<ConnectResult> {
    if (typeof credential !== 'object' || credential === null) return session;
    return session.then((result) => {
      if (typeof result.userToken === 'string' && result.userToken !== '') this.#credential = result.userToken;
      return result;
    });
  }

  /** Follows a credential the core client will take (it refuses bad arguments, and so does this). */
  #takeCredential(credential: unknown, options: unknown, method: string): void {
    if (typeof credential !== 'string') return;
    try {
      checkCallOptions(options, method);
    } catch {
      return;
    }
    this.#credential = credential;
  }

  override setConnectionParams(params: { uri?: string; auth?: string }): void {
    super.setConnectionParams(params);
    if (params.auth !== undefined) this.#credential = params.auth;
  }

  /** The embedded simulator this client started, if any (see `connect({ embedded: true })`). */
  get engine(): Engine | undefined {
    return this.#engine;
  }

  /** @internal attaches the embedded engine, closed with the client. */
  adoptEngine(engine: Engine): void {
    // Checked here: disconnect() calls engine.close(), which a careless value would fail with a TypeError.
    if (typeof engine !== 'object' || engine === null || typeof (engine as { close?: unknown }).close !== 'function') {
      throw new ValidationError('adoptEngine(): engine must be a simulator from startEngine()', { code: 'ERR_INVALID_ARGUMENT' });
    }
    this.#engine = engine;
  }

  /** A Node `Writable` into a new pipe on the task; opens the pipe at once and commits it on `end()`. */
  pipe(token: string, options?: PipeOptions): PipeWritable {
    return new PipeWritable(this, token, options);
  }

  /** A WHATWG `WritableStream` into a new pipe on the task, for `readable.pipeTo(...)`. */
  writable(token: string, options?: PipeOptions): PipeWritableStream {
    return createWritable(this, token, options);
  }

  /**
   * Streams a source (Readable, web stream, iterable, Buffer, string, or `{ path }`) and resolves to the result.
   * The token comes first, as in `pipe()`; a token that is not a string (a call in the old order,
   * `upload(source, token)`) rejects with `ERR_INVALID_ARGUMENT`.
   */
  upload(token: string, source: UploadSource, options?: UploadOptions): Promise<PipelineResult> {
    const refused = tokenFirst(token, 'rocketride.upload()', 'rocketride.upload(token, source, options?)');
    if (refused) return Promise.reject(refused);
    return upload(this, token, source, options);
  }

  /**
   * Uploads files through a bounded pool of pipes; one result per file, in input order. The token comes
   * first; a token that is not a string (the old order, `uploadFiles(files, token)`) rejects with `ERR_INVALID_ARGUMENT`.
   */
  uploadFiles(token: string, files: readonly FileEntry[], options?: UploadFilesOptions): Promise<FileResult[]> {
    const refused = tokenFirst(token, 'rocketride.uploadFiles()', 'rocketride.uploadFiles(token, files, options?)');
    if (refused) return Promise.reject(refused);
    return uploadFiles(this, token, files, options);
  }

  /**
   * The engine's events as a shared Observable: a token (events of that task), or a filter
   * (`{ token | '*', types?, pipeId? }` or `{ projectId, source, ... }`). See `events$` in `@rocketride-streams/rx`.
   */
  events$(filter: string | EventsFilter, options?: EventsOptions): Observable<RocketRideEvent> {
    return events$(this, typeof filter === 'string' ? { token: filter } : filter, options);
  }

  /** The task's latest TASK_STATUS, replayed to late subscribers; completes after the final one. */
  status$(token: string, options?: TaskStreamOptions): Observable<TaskStatus> {
    return status$(this, token, options);
  }

  /** The task's lifecycle (`running`/`begin`/`restart`, then `end`, then completion). */
  task$(token: string, options?: TaskStreamOptions): Observable<TaskLifecycle> {
    return task$(this, token, options);
  }

  /** The task's SSE messages, optionally of one pipe. */
  sse$(token: string, pipeId?: number, options?: SseOptions): Observable<SseMessage> {
    return sse$(this, token, pipeId, options);
  }

  /** The connection state: the current one at once, then every change. */
  connection$(): Observable<ConnectionState> {
    return connection$(this);
  }

  /** Disconnects, and stops the embedded simulator when this client started one. */
  override async disconnect(): Promise<void> {
    try {
      await super.disconnect();
    } finally {
      const engine = this.#engine;
      this.#engine = undefined;
      await engine?.close();
    }
  }
}

export type { ClientOptions };
