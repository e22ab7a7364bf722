/** Public types of the engine simulator. */

/** Timing of the simulator's background activity. Every value is in milliseconds. */
export interface EngineTiming {
  /** Server WebSocket ping interval; the first ping goes out this long after the socket opens. Default 15000. */
  pingIntervalMs: number;
  /** A client whose last pong is older than this is terminated (checked on each ping tick). Default 60000. */
  pongTimeoutMs: number;
  /** A pipe with no write or close activity for longer than this is reaped. Default 60000. */
  reapIdleMs: number;
  /** Interval of the pipe reaper scan. Default 30000. */
  reapScanMs: number;
  /** SUMMARY (`apaevt_status_update`) events go out at most once per interval, except on state changes. Default 1000. */
  statusThrottleMs: number;
  /** Interval of the task idle-TTL and retention scan. Default 60000. */
  ttlScanMs: number;
  /** How long a completed task stays visible after its end. Default 300000. */
  retentionMs: number;
}

/** Default timing, equal to the real engine's. */
export const DEFAULT_TIMING: Readonly<EngineTiming> = Object.freeze({
  pingIntervalMs: 15_000,
  pongTimeoutMs: 60_000,
  reapIdleMs: 60_000,
  reapScanMs: 30_000,
  statusThrottleMs: 1_000,
  ttlScanMs: 60_000,
  retentionMs: 300_000,
});

/** Default {@link EngineOptions.maxPipeHistory}. */
export const DEFAULT_MAX_PIPE_HISTORY = 1_000;
/** Default {@link EngineOptions.maxRequestLog}. */
export const DEFAULT_MAX_REQUEST_LOG = 20_000;
/** The deployment scheduler's settings (EngineOptions.scheduler). */
export interface SchedulerOptions {
  /** The clock, in epoch milliseconds: deployment timestamps and cron times follow it. Default: the real time. */
  now?: () => number;
  /** How often the scheduler looks for due deployments. Default 1000. */
  intervalMs?: number;
}

/**
 * Which error behaviour the data plane reproduces. `head` answers the data-plane errors raised in the engine
 * subprocess as `success:true` with no body, as the upstream server does; `intended` answers them `success:false`.
 * Main-server errors are `success:false` under both.
 */
export type EngineProfile = 'intended' | 'head';

export interface EngineOptions {
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /** Port to bind; 0 picks a free port. Default 0. */
  port?: number;
  /**
   * When set, the auth credential (after stripping `Bearer `) must equal it, otherwise `Invalid API key`.
   * When unset, any non-empty credential is accepted (OSS mode without `ROCKETRIDE_APIKEY`). Default unset.
   */
  apiKey?: string;
  /**
   * `'intended'` (default): data-plane failures raised in the engine subprocess are answered `success:false` with the
   * spec message. `'head'`: those failures become `success:true` with no body, as the upstream server does at HEAD.
   */
  profile?: EngineProfile;
  /** Overrides of {@link DEFAULT_TIMING}. */
  timing?: Partial<EngineTiming>;
  /**
   * Each `write` is applied after a random delay of 0..N ms, so two writes in flight on one pipe can be applied out of
   * order, as on the real server. Default 0.
   */
  writeJitterMs?: number;
  /** Every write acknowledgement is delayed by N ms after the write is applied (a slow pipeline). Default 0. */
  ackDelayMs?: number;
  /**
   * Each `apaevt_sse` and `apaevt_flow` event is sent after a random 0..N ms delay. The real server carries them on a
   * channel that is not ordered with the data-plane responses, so an SSE event produced by a write may arrive after
   * that write's response, or even after the close response. Default 0: sent at once, before the
   * response of the write that produced it.
   */
  eventLagMs?: number;
  /** Simultaneous unauthenticated WebSocket connections allowed per client IP, as on the server. Default 10. */
  maxUnauthenticatedPerIp?: number;
  /** Receives diagnostic lines (dropped frames, reaped pipes…). Default: none. */
  log?: (line: string) => void;
  /**
   * Keep every written payload byte in {@link PipeRecord.received} and every request in `requests()`. Default true.
   * Turn it off for long-running servers (the CLI does) so memory does not grow with the data streamed.
   */
  record?: boolean;
  /**
   * How many pipe records `pipes()` keeps; beyond it the oldest are dropped. A task's records are also dropped when
   * the task's own record is cleaned up (`timing.retentionMs` after its end). `Infinity` keeps every record of the
   * retained tasks. Default {@link DEFAULT_MAX_PIPE_HISTORY} (1,000).
   */
  maxPipeHistory?: number;
  /**
   * How many requests `requests()` keeps (with `record`); beyond it the oldest are dropped. `Infinity` keeps all.
   * Default {@link DEFAULT_MAX_REQUEST_LOG} (20,000).
   */
  maxRequestLog?: number;
  /**
   * The server's own environment for `${ROCKETRIDE_X}` placeholders; only `ROCKETRIDE_*` entries count, and a client's
   * `execute.env` is merged over them. Default: the `ROCKETRIDE_*` variables of `process.env`, as the real server uses
   * its own environment.
   */
  env?: Record<string, string | undefined>;
  /**
   * CORS origins allowed on the HTTP routes, with credentials. Empty: every origin (`*`) without credentials.
   * Default: `RR_CORS_ORIGINS` (comma-separated) from `process.env`, as the real server reads it.
   */
  corsOrigins?: string[];
  /**
   * Root directory of the `rrext_store` file store: a store path `p` of user `u` is the file
   * `<storeDir>/users/<u>/files/<p>`, as on the upstream filesystem backend. Created when missing and kept when the
   * engine closes. Default: a new temporary directory, removed when the engine closes.
   */
  storeDir?: string;
  /**
   * Runs due deployments (`rrext_deploy_*` records whose schedule is not `manual`) through the normal task start, as
   * upstream's scheduler would if it were switched on. `true` or settings turn it on. Default off,
   * and always off under the `head` profile, which reproduces a server that never runs deployments.
   */
  scheduler?: boolean | SchedulerOptions;
}

/** One request as the simulator received it. */
export interface ReceivedRequest {
  /** Id of the WebSocket connection (1, 2, …), or 0 for requests made by the HTTP routes. */
  connectionId: number;
  /** The request's `seq` (undefined when absent). */
  seq: unknown;
  /** The request's `command` (undefined when absent). */
  command: unknown;
  /** `arguments` without `data`. */
  arguments: Record<string, unknown>;
  /** Byte length of `arguments.data` (UTF-8 length for a string), 0 when absent. */
  dataBytes: number;
  /** The `type` field of the frame. */
  type: unknown;
}

/** The history of one pipe. */
export interface PipeRecord {
  token: string;
  pipeId: number;
  object: Record<string, unknown>;
  mimeType: string;
  lane: string;
  /** Every payload byte, in the order the writes were applied (empty when the engine runs with `record: false`). */
  readonly received: Buffer;
  /** Number of write requests applied. */
  writes: number;
  /** Total payload bytes applied (counted even with `record: false`). */
  bytes: number;
  /** `'abandoned'`: reaped, or its task ended, without a close. */
  state: 'open' | 'closed' | 'failed' | 'abandoned';
  /** The close result body. */
  result?: Record<string, unknown>;
}

/** A task as the simulator holds it (running, or completed and still retained). */
export interface TaskRecord {
  token: string;
  publicToken: string;
  id: string;
  projectId: string;
  source: string;
  provider: string;
  state: number;
  status: string;
  name: string;
  threads: number;
  ttl: number;
  completed: boolean;
  exitCode: number;
  exitMessage: string;
  pipelineTraceLevel?: string;
  /** The pipeline as stored (`rrext_get_pipeline`): source written in, `${…}` placeholders as sent. */
  pipeline: Record<string, unknown>;
  /** The pipeline the engine runs: `${ROCKETRIDE_*}` placeholders substituted, source config defaults filled. */
  enginePipeline: Record<string, unknown>;
  /** Currently open pipes. */
  openPipes: number;
  /** `open` requests waiting for a free slot. */
  waitingOpens: number;
}

export type RequestMatcher = string | ((req: ReceivedRequest) => boolean);
export type MalformedKind = 'invalid-json' | 'not-object' | 'bad-fields' | 'binary-no-newline' | 'multiline-json';

export interface FaultControls {
  /**
   * Delays the response of matching requests by `ms`. `match` is a command name, a `command:subcommand` pair
   * (e.g. `rrext_process:write`) or a predicate. `times` limits how many requests are affected (default: all).
   */
  delayResponse(match: RequestMatcher, ms: number, opts?: { times?: number }): void;
  /** Never answers matching requests (the handler still runs). */
  withholdResponse(match: RequestMatcher, opts?: { times?: number }): void;
  /** Terminates (no close frame) the connection on which the n-th next frame arrives; that frame is not processed. */
  closeAfterFrames(n: number): void;
  /**
   * Terminates the connection on which the received payload bytes (`arguments.data` of writes) reach `n` in total,
   * counted from now; the frame that reaches the limit is not processed.
   */
  closeAfterBytes(n: number): void;
  /** Pushes one malformed (or unusual) frame to every open connection now. */
  sendMalformed(kind: MalformedKind): void;
  /**
   * Pushes one frame exactly as given (no seq added, nothing checked) to every open connection now: a string in a text
   * frame, a Buffer in a binary frame unless `binary: false`. For frames `sendMalformed` does not cover.
   */
  sendFrame(data: string | Buffer, options?: { binary?: boolean }): void;
  /** While on, `open` requests get no answer; they are processed when it is turned off. */
  stallOpen(on: boolean): void;
  /** Changes {@link EngineOptions.ackDelayMs}. */
  setAckDelay(ms: number): void;
  /** Changes {@link EngineOptions.writeJitterMs}. */
  setWriteJitter(ms: number): void;
  /** Changes {@link EngineOptions.eventLagMs}. */
  setEventLag(ms: number): void;
  /** While on, close results carry `body.error` (still `success:true`), as a pipeline failure does. */
  failPipeline(on: boolean, message?: string): void;
  /** Clears every fault and restores the ack delay and write jitter given in the options. */
  reset(): void;
}

/** One open handle of the file store, as {@link Engine.storeHandles} lists it. */
export interface StoreHandleInfo {
  handle: string;
  /** The store path (normalised, without the `users/<userId>/files/` prefix). */
  path: string;
  mode: 'r' | 'w';
  /** The engine's number of the owning connection. */
  connectionId: number;
}

export interface Engine {
  /** `ws://HOST:PORT/task/service` */
  readonly uri: string;
  /** `http://HOST:PORT` */
  readonly httpUrl: string;
  readonly host: string;
  readonly port: number;
  readonly profile: EngineProfile;
  /** The store's root directory (absolute, symlinks resolved): `storeDir`, or the temporary one. */
  readonly storeDir: string;
  /**
   * The pipes opened, oldest first (pipe ids are reused, records are not): at most `maxPipeHistory`, and none of a
   * task whose record was cleaned up after its retention.
   */
  pipes(filter?: { token?: string }): PipeRecord[];
  /** Tasks currently known: running ones, and completed ones still retained. */
  tasks(): TaskRecord[];
  /** The requests received, in arrival order (the last `maxRequestLog`; none with `record: false`). */
  requests(): ReceivedRequest[];
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** The file store's open handles, of every user and connection (leaked ones included). */
  storeHandles(): StoreHandleInfo[];
  /** Total `rrext_monitor` keys held across connections. */
  monitorCount(): number;
  readonly faults: FaultControls;
  /** Closes every socket, timer and the listener. */
  close(): Promise<void>;
}
