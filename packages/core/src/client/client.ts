import type { CallOptions, RequestOptions } from '../config/options.js';
import { httpUri } from '../config/uri.js';
import type { ServerInfo } from '../commands/misc.js';
import { checkProbe } from './arguments.js';
import * as store from '../commands/store.js';
import type { AtomicWriteOptions } from '../commands/store-atomic.js';
import * as storeFiles from '../commands/store-files.js';
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
import type { ConnectResult } from '../schema/connect-result.js';
import { stateOf } from './state.js';
import { TaskClient } from './task-client.js';

export type { ConnectionInfo } from './base.js';

/**
 * A client for one RocketRide engine: the connection lifecycle and the whole command surface of the
 * official SDK. Public methods only, each delegating: connection and requests in `client/base.ts`,
 * tasks, data and events in `client/task-client.ts`, the store and server tools here; the work is
 * done in `connection/`, `transport/`, `events/`, `data/` and `commands/` (see the package README).
 */
export class RocketRideClient extends TaskClient {
  // ---- static helpers (the official SDK's) --------------------------------------------------------

  /**
   * A user-given engine address as `scheme://host[:port]` (the official SDK's `normalizeUri`: `localhost`
   * → `http://localhost:5565`, `https://h:443` → `https://h`). The client itself connects to the
   * WebSocket form (`ws://localhost:5565/task/service`), shown by `getConnectionInfo().uri`.
   * @throws ValidationError `ERR_INVALID_URI` for an empty, non-string or unparsable address.
   */
  static normalizeUri(uri: string): string {
    return httpUri(uri);
  }

  /**
   * Engine information from `uri` without a credential: a temporary client attaches (opens the socket,
   * sends no `auth`), sends `rrext_public_probe`, and closes. `options.timeout` (ms) bounds the socket
   * opening and then the reply (default: `connectTimeout`'s 30 s for each); `options.signal` aborts.
   * @throws ValidationError (`ERR_INVALID_URI`, `ERR_INVALID_ARGUMENT`; nothing is opened), ConnectionError,
   *   TimeoutError (`ERR_CONNECT_TIMEOUT`, `ERR_TIMEOUT`), AbortError, RocketRideError `ERR_SERVER_INFO`.
   */
  static async getServerInfo(uri: string, options?: RequestOptions): Promise<ServerInfo> {
    const timeout = checkProbe(uri, options);
    const probe = new RocketRideClient({ uri, auth: '', env: {}, persist: false, ...(timeout ? { connectTimeout: timeout } : {}) });
    try {
      await probe.attach(undefined, { signal: options?.signal });
      return await probe.getServerInfo({ signal: options?.signal, timeout });
    } finally {
      await probe.detach();
    }
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
    this.accountApi ??= new AccountApi({ ...this.toolHost(), credential: () => stateOf(this).endpoint.credential });
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
