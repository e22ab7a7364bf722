import { serverFailure } from '../failure.js';
import { EventFlag } from '../monitor/flags.js';
import type { EventHub, TaskScope } from '../monitor/hub.js';
import type { EngineObject } from '../pipes/objinfo.js';
import { Pipe, type PipeHost } from '../pipes/pipe.js';
import { PipeRecordImpl } from '../pipes/record.js';
import { SlotPool } from '../pipes/slots.js';
import type { TaskRecord } from '../types.js';
import type { PipelineGraph } from './graph.js';
import { TaskState, notRunningStatus, zeroCounters } from './state.js';

/** What a task needs from the engine. */
export interface TaskEnv {
  readonly hub: EventHub;
  readonly statusThrottleMs: number;
  /** The server's own `ROCKETRIDE_*` variables (placeholder substitution). */
  readonly serverEnv: Readonly<Record<string, string>>;
  /** Sends a pipe event (SSE, FLOW) now or after the configured event lag. */
  deferEvent(emit: () => void): void;
  /** Keep pipe payloads for inspection. */
  readonly record: boolean;
  /** Adds a pipe to the inspection history. */
  recordPipe(record: PipeRecordImpl, task: Task): void;
  /** Drops a task's pipes from the inspection history (the task's record was cleaned up). */
  forgetPipes(task: Task): void;
  /** A completed task left the registry (`stillKnown`: another task of the registry has the same project and source). */
  taskRemoved(task: TaskScope, stillKnown: boolean): void;
  log(line: string): void;
}

export interface TaskInit {
  token: string;
  publicToken: string;
  id: string;
  projectId: string;
  source: string;
  provider: string;
  name: string;
  /** As stored: placeholders unresolved. */
  pipeline: Record<string, unknown>;
  /** The `ROCKETRIDE_*` entries of the client's `execute.env` (kept for `restart`). */
  clientEnv: Record<string, string>;
  /** As the engine runs it: placeholders resolved, source config defaults filled. */
  enginePipeline: Record<string, unknown>;
  graph: PipelineGraph;
  threads: number;
  ttl: number;
  pipelineTraceLevel?: string;
}

const nowSeconds = () => Date.now() / 1000;

/** One executed pipeline: its state, counters, pipe table and slot pool. */
export class Task implements TaskScope, PipeHost {
  readonly token: string;
  readonly publicToken: string;
  readonly id: string;
  readonly projectId: string;
  readonly source: string;
  readonly provider: string;
  readonly name: string;
  readonly pipeline: Record<string, unknown>;
  readonly enginePipeline: Record<string, unknown>;
  readonly clientEnv: Record<string, string>;
  readonly graph: PipelineGraph;
  readonly threads: number;
  readonly ttl: number;
  readonly pipelineTraceLevel?: string;
  readonly slots: SlotPool;
  readonly pipes = new Map<number, Pipe>();

  state: number = TaskState.STARTING;
  status = 'Starting';
  serviceUp = false;
  startTime = nowSeconds();
  endTime = 0;
  exitCode = 0;
  exitMessage = '';
  /** Last `rrext_process` (idle TTL). */
  lastActivity = Date.now();
  readonly counters = zeroCounters();
  currentObject = '';
  currentSize = 0;

  private readonly runningWaiters: (() => void)[] = [];
  private readonly endWaiters: (() => void)[] = [];
  private lastSummary = 0;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    init: TaskInit,
    private readonly env: TaskEnv,
  ) {
    this.token = init.token;
    this.publicToken = init.publicToken;
    this.id = init.id;
    this.projectId = init.projectId;
    this.source = init.source;
    this.provider = init.provider;
    this.name = init.name;
    this.pipeline = init.pipeline;
    this.enginePipeline = init.enginePipeline;
    this.clientEnv = init.clientEnv;
    this.graph = init.graph;
    this.threads = init.threads;
    this.ttl = init.ttl;
    if (init.pipelineTraceLevel) this.pipelineTraceLevel = init.pipelineTraceLevel;
    this.slots = new SlotPool(init.threads);
  }

  get completed(): boolean {
    return this.state >= TaskState.COMPLETED;
  }

  /**
   * Runs the start-up sequence: `apaevt_task begin`, then STARTING → INITIALIZING → RUNNING. With `refusal` (the
   * engine's validation error) the engine exits while initializing instead: COMPLETED with exit code 1 and that message,
   * `apaevt_task end`, never RUNNING.
   */
  async start(refusal?: string): Promise<void> {
    this.emitTask({ action: 'begin', name: this.name, projectId: this.projectId, source: this.source });
    this.setState(TaskState.STARTING, 'Starting');
    this.env.hub.emitTask(this, EventFlag.OUTPUT, 'output', { category: 'console', output: `Starting pipeline ${this.id}\n` });
    await tick();
    this.setState(TaskState.INITIALIZING, 'Initializing');
    await tick();
    if (refusal !== undefined) {
      this.exitCode = 1;
      this.exitMessage = refusal;
      this.endTime = nowSeconds();
      this.slots.close(serverFailure(refusal, 'task_engine.py', 402));
      this.setState(TaskState.COMPLETED, 'Completed');
      this.emitTask({ action: 'end', name: this.name, projectId: this.projectId, source: this.source });
      this.cancelSummary();
      for (const w of [...this.runningWaiters.splice(0), ...this.endWaiters.splice(0)]) w();
      return;
    }
    this.serviceUp = true;
    this.setState(TaskState.RUNNING, 'Running');
    for (const w of this.runningWaiters.splice(0)) w();
  }

  /** Resolves once the task is RUNNING (or has ended). */
  whenRunning(): Promise<void> {
    if (this.state >= TaskState.RUNNING) return Promise.resolve();
    return new Promise((resolve) => this.runningWaiters.push(resolve));
  }

  /** Resolves once the task has reached a terminal state. */
  whenEnded(): Promise<void> {
    if (this.completed) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /**
   * Stops the task with the server's event sequence: an update with `serviceUp:false`, STOPPING, the final
   * state, `apaevt_task end`, a second final update. Open pipes are abandoned and waiting opens refused.
   */
  async stop(exitCode: number, exitMessage: string, finalState: number = TaskState.CANCELLED): Promise<void> {
    if (this.state >= TaskState.STOPPING) return this.whenEnded();
    await this.whenRunning();
    if (this.state >= TaskState.STOPPING) return this.whenEnded();
    this.serviceUp = false;
    this.emitSummary();
    this.setState(TaskState.STOPPING, 'Stopping');
    await tick();
    this.exitCode = exitCode;
    this.exitMessage = exitMessage;
    this.endTime = nowSeconds();
    this.slots.close(serverFailure(exitMessage, 'task_engine.py', 402));
    for (const pipe of this.pipes.values()) {
      if (pipe.record.state === 'open' || pipe.record.state === 'failed') pipe.record.state = 'abandoned';
    }
    this.pipes.clear();
    this.currentObject = '';
    this.currentSize = 0;
    this.setState(finalState, finalState === TaskState.COMPLETED ? 'Completed' : 'Stopped');
    this.emitTask({ action: 'end', name: this.name, projectId: this.projectId, source: this.source });
    this.emitSummary();
    this.cancelSummary();
    for (const w of this.endWaiters.splice(0)) w();
  }

  /** Opens a pipe on an acquired slot. */
  openPipe(pipeId: number, object: EngineObject, mimeType: string, lane: string): Pipe {
    const record = new PipeRecordImpl(this.token, pipeId, { ...object }, mimeType, lane, this.env.record);
    this.env.recordPipe(record, this);
    const pipe = new Pipe(pipeId, object, mimeType, lane, record, this);
    this.pipes.set(pipeId, pipe);
    const size = typeof object.size === 'number' ? object.size : 0;
    this.counters.totalCount++;
    this.counters.totalSize += size;
    this.currentObject = object.name;
    this.currentSize = size;
    this.emitDetail('apaevt_status_object', { object: object.name, size });
    this.changed();
    return pipe;
  }

  /** Counts written bytes for objects opened without a size. */
  noteWrite(pipe: Pipe, bytes: number): void {
    if (typeof pipe.object.size !== 'number') {
      this.counters.totalSize += bytes;
      if (this.currentObject === pipe.object.name) this.currentSize += bytes;
    }
    this.changed();
  }

  /** Removes a pipe from the table and frees its slot; `how` decides which counters move. */
  releasePipe(pipe: Pipe, how: 'closed' | 'reaped'): void {
    if (this.pipes.get(pipe.id) !== pipe) return;
    this.pipes.delete(pipe.id);
    this.slots.release(pipe.id);
    const size = typeof pipe.object.size === 'number' ? pipe.object.size : pipe.record.bytes;
    if (how === 'closed' && !pipe.failed) {
      this.counters.completedCount++;
      this.counters.completedSize += size;
    } else {
      this.counters.failedCount++;
      this.counters.failedSize += size;
    }
    this.emitDetail('apaevt_status_counts', { ...this.counters });
    this.changed();
  }

  addWords(count: number, bytes: number): void {
    this.counters.wordsCount += count;
    this.counters.wordsSize += bytes;
  }

  emitSse(pipeId: number, type: string, data: Record<string, unknown>): void {
    this.env.deferEvent(() => this.env.hub.emitTask(this, EventFlag.SSE, 'apaevt_sse', { pipe_id: pipeId, type, data }, pipeId));
  }

  emitFlow(pipeId: number, op: 'begin' | 'enter' | 'leave' | 'end', trace: Record<string, unknown>): void {
    if (!this.pipelineTraceLevel) return;
    const body = { id: pipeId, op, pipes: [this.source], trace, project_id: this.projectId, source: this.source };
    this.env.deferEvent(() => this.env.hub.emitTask(this, EventFlag.FLOW, 'apaevt_flow', body, pipeId));
  }

  /** The full TASK_STATUS body, every field the server reports for a task. */
  statusBody(): Record<string, unknown> {
    const base = notRunningStatus(this.projectId, this.source);
    const byPipe: Record<string, string[]> = {};
    for (const id of this.pipes.keys()) byPipe[String(id)] = [this.source];
    return {
      ...base,
      name: this.name,
      completed: this.completed,
      state: this.state,
      startTime: this.startTime,
      endTime: this.endTime,
      serviceUp: this.serviceUp,
      status: this.status,
      currentObject: this.currentObject,
      currentSize: this.currentSize,
      ...this.counters,
      exitCode: this.exitCode,
      exitMessage: this.exitMessage,
      pipeflow: { totalPipes: this.pipes.size, byPipe },
    };
  }

  /** The inspection view. */
  toRecord(): TaskRecord {
    return {
      token: this.token,
      publicToken: this.publicToken,
      id: this.id,
      projectId: this.projectId,
      source: this.source,
      provider: this.provider,
      state: this.state,
      status: this.status,
      name: this.name,
      threads: this.threads,
      ttl: this.ttl,
      completed: this.completed,
      exitCode: this.exitCode,
      exitMessage: this.exitMessage,
      ...(this.pipelineTraceLevel ? { pipelineTraceLevel: this.pipelineTraceLevel } : {}),
      pipeline: this.pipeline,
      enginePipeline: this.enginePipeline,
      openPipes: this.pipes.size,
      waitingOpens: this.slots.waiting,
    };
  }

  /** Sends the current status now (state changes bypass the throttle). */
  emitSummary(): void {
    this.cancelSummary();
    this.lastSummary = Date.now();
    this.env.hub.emitTask(this, EventFlag.SUMMARY, 'apaevt_status_update', this.statusBody());
  }

  /** Something changed: a SUMMARY goes out at most once per throttle interval. */
  changed(): void {
    if (this.summaryTimer || this.completed) return;
    const wait = Math.max(0, this.lastSummary + this.env.statusThrottleMs - Date.now());
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      if (!this.completed) this.emitSummary();
    }, wait);
    this.summaryTimer.unref();
  }

  /** Stops background timers (engine shutdown). */
  dispose(): void {
    this.cancelSummary();
  }

  private cancelSummary(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
  }

  private setState(state: number, status: string): void {
    this.state = state;
    this.status = status;
    this.emitSummary();
  }

  private emitTask(body: Record<string, unknown>): void {
    this.env.hub.emitTask(this, EventFlag.TASK, 'apaevt_task', body);
  }

  private emitDetail(event: string, body: Record<string, unknown>): void {
    this.env.hub.emitTask(this, EventFlag.DETAIL, event, body);
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
