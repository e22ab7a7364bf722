import type { CallOptions, RequestOptions } from '../config/options.js';
import { checkCallOptions, checkRequestOptions } from '../config/validate.js';
import { requireString } from '../config/checks.js';
import { type MonitorOptions, type SetEventsOptions, setEvents } from '../commands/events.js';
import { getServerInfo, ping, type ServerInfo } from '../commands/misc.js';
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
import { type ChatOptions, chat } from '../data/chat.js';
import { DataPipe, type DataPipeOptions } from '../data/data-pipe.js';
import { type SendFilesInput, type SendFilesOptions, sendFiles } from '../data/send-files.js';
import type { SSECallback } from '../events/sse-routes.js';
import type { MonitorKey } from '../events/monitors.js';
import type { PipelineResult, UploadResult } from '../schema/pipeline-result.js';
import type { TaskStatus, UseResult } from '../schema/task-status.js';
import { checkMonitorCall, checkRestartOptions, checkTaskTokenOptions, checkUseOptions } from './arguments.js';
import { ClientBase } from './base.js';
import { stateOf } from './state.js';

/** The task, data, event and service commands of RocketRideClient (each delegates to its module). */
export class TaskClient extends ClientBase {
  // ---- commands ------------------------------------------------------------------------------

  // Every command checks its arguments before anything is sent: a bad one rejects with a coded
  // ValidationError (`ERR_INVALID_ARGUMENT`, `ERR_INVALID_PIPELINE`).

  /** Starts a pipeline (`execute`). See {@link UseOptions}. */
  async use(options: UseOptions): Promise<UseResult> {
    checkUseOptions(options);
    const result = await use(this, options);
    stateOf(this).events.learn(result.token, result.projectId, result.source);
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
    stateOf(this).events.learn(token, status.project_id, status.source);
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
    return stateOf(this).events.monitors.add(key, types, options?.signal);
  }
  /** Removes a ref-counted subscription added with {@link addMonitor}; the engine gets the remaining union. */
  async removeMonitor(key: MonitorKey, types: readonly string[], options?: MonitorOptions): Promise<void> {
    checkMonitorCall(key, types, options, 'removeMonitor()');
    return stateOf(this).events.monitors.remove(key, types, options?.signal);
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
  /**
   * Engine version and capabilities (`rrext_public_probe`; needs no credential): on the client's socket
   * (authenticated or only attached), else on a short-lived socket that never authenticates.
   */
  getServerInfo(options?: RequestOptions): Promise<ServerInfo> {
    return getServerInfo(this, stateOf(this).endpoint.uri, stateOf(this).socketSettings(), options);
  }
}
