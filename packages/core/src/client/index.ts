export { RocketRideClient, type ConnectionInfo } from './client.js';
export type { Credential, PkceCredential } from '../connection/pkce.js';
export { MAX_AUTHS_PER_CONNECTION, REASON_LOGGED_OUT, REASON_NEW_CREDENTIAL, REASON_REAUTHENTICATING } from '../connection/lifecycle-host.js';
export type { ClientEventName, ClientEvents, ConnectedInfo, DisconnectedInfo, Listener, ReconnectingInfo } from '../events/emitter.js';
export {
  CLOSE_ABORT_GRACE_MS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_WRITE_TIMEOUT_MS,
  type PipeCloseOptions,
  type PipeWriteOptions,
  pipeClose,
  pipeOpen,
  pipeWrite,
} from '../data/pipe-protocol.js';
export { MAX_TIMER_MS } from '../config/checks.js';
export { DataPipe, type DataPipeOptions, type SSECallback } from '../data/data-pipe.js';
export type { SendFilesInput, SendFilesOptions } from '../data/send-files.js';
export type { ChatOptions } from '../data/chat.js';
export type { MonitorKey } from '../events/monitors.js';
export type { MonitorOptions, SetEventsOptions } from '../commands/events.js';
export type { SendOptions } from '../commands/data.js';
export type { ServerInfo } from '../commands/misc.js';
export type { ServicesResult, ValidateOptions } from '../commands/services.js';
export type { RestartOptions, TaskSummary, UseOptions } from '../commands/tasks.js';
export { lookupMimeType, mimeTypeOf, OCTET_STREAM } from '../data/mime.js';
export {
  closeQuietly,
  fsClose,
  fsDelete,
  fsListDir,
  fsMkdir,
  fsOpen,
  fsRead,
  fsRename,
  fsRmdir,
  fsStat,
  fsWrite,
  MAX_STORE_READ,
  openStoreHandle,
  type StoreEntry,
  type StoreListing,
  type StoreMode,
  type StoreOpenResult,
  type StoreStat,
} from '../commands/store.js';
export { AtomicStoreWriter, type AtomicWriteOptions, renameInto, siblingPath } from '../commands/store-atomic.js';
export { cleanStoreMessage, storeErrorCode, storeFailure } from '../commands/store-errors.js';
export type { LogSummary, TemplateSummary } from '../commands/store-files.js';
export { joinStorePath, normalizeStorePath, requireStoreId, splitStorePath, storeEntryPath } from '../commands/store-paths.js';
export {
  CLEANUP_TIMEOUT,
  HandleSemaphore,
  MAX_STORE_HANDLES,
  registerStoreSession,
  type StoreSession,
  storeState,
  type StoreState,
} from '../commands/store-state.js';
export { parseStoreJson, readStoreFile, STORE_WRITE_PIECE, storeBytes, storeJson, writeStoreFile } from '../commands/store-text.js';
// server tools (issue 13)
export { DeployApi, SCHEDULE_PRESETS, validateProjectId, validateSchedule, type DeploymentChanges, type DeploymentRecord } from '../commands/deploy.js';
export type {
  DashboardConnection,
  DashboardMonitor,
  DashboardOverview,
  DashboardSnapshot,
  DashboardTask,
  DashboardTaskMetrics,
} from '../commands/dashboard.js';
export type { CProfileReport, CProfileStartResult, CProfileStatus, CProfileStopResult } from '../commands/cprofile.js';
export { AccountApi, SAAS_ONLY_MESSAGE, type AccountMeSubcommand, type EnvScope } from '../commands/account.js';
export { DatabaseApi, type DatabaseDialect, type DatabaseQueryOptions, type DatabaseQueryResult } from '../commands/database.js';
