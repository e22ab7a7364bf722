import { serverFailure } from '../failure.js';
import { publicToken, taskId, taskToken, uuid4 } from '../ids.js';
import { isObject } from '../util.js';
import { attributeError } from './attribute-error.js';
import { PipelineGraph } from './graph.js';
import { mergeEnv, resolvePlaceholders, rocketrideEnv } from './env.js';
import { resolveSource, storedPipeline, withEngineDefaults } from './resolve.js';
import { Task, type TaskEnv } from './task.js';
import { knownProvider, validateForEngine } from './validate.js';

export interface ExecuteArgs {
  pipeline?: unknown;
  token?: unknown;
  source?: unknown;
  threads?: unknown;
  useExisting?: unknown;
  ttl?: unknown;
  name?: unknown;
  pipelineTraceLevel?: unknown;
  /** Client environment: only its `ROCKETRIDE_*` string entries are kept and merged over the server's. */
  env?: unknown;
}

/** The body of a successful `execute`. */
export function executeBody(task: Task): Record<string, unknown> {
  return {
    id: task.id,
    token: task.token,
    publicToken: task.publicToken,
    projectId: task.projectId,
    source: task.source,
    provider: task.provider,
  };
}

/** All tasks by token: running ones and completed ones still retained. */
export class TaskRegistry {
  private readonly tasks = new Map<string, Task>();
  /** Completed tasks replaced by a new run under the same token, until their retention ends (their pipe records). */
  private retired: Task[] = [];

  constructor(private readonly env: TaskEnv) {}

  list(): Task[] {
    return [...this.tasks.values()];
  }

  get(token: string): Task | undefined {
    return this.tasks.get(token);
  }

  byPublicToken(token: string): Task | undefined {
    for (const t of this.tasks.values()) if (t.publicToken === token && !t.completed) return t;
    return undefined;
  }

  /** Looks a token up, failing with the server's messages. */
  require(token: unknown): Task {
    if (typeof token !== 'string' || token === '') throw serverFailure('Task token is required', 'task_server.py', 220);
    const task = this.tasks.get(token);
    if (!task) throw serverFailure('Your pipeline is not running', 'task_server.py', 224);
    return task;
  }

  /** Starts a pipeline (`execute`); resolves once it is RUNNING. */
  async execute(args: ExecuteArgs, defaults: { threads: number }): Promise<Task> {
    if (!isObject(args.pipeline)) throw serverFailure(attributeError(args.pipeline), 'cmd_task.py', 128);
    // Placeholders are resolved for the engine; the stored pipeline keeps them as written.
    const env = mergeEnv(this.env.serverEnv, args.env);
    const resolved = resolveSource(resolvePlaceholders(args.pipeline, env), args.source);
    const pipeline = storedPipeline(args.pipeline, resolved);
    const enginePipeline = withEngineDefaults(resolvePlaceholders(pipeline, env));
    const projectId =
      typeof pipeline.project_id === 'string' && pipeline.project_id !== '' ? pipeline.project_id : uuid4();
    const token =
      typeof args.token === 'string' && args.token !== '' ? args.token : taskToken(projectId, resolved.source);
    const existing = this.tasks.get(token);
    if (existing && !existing.completed) {
      if (args.useExisting === true) {
        await existing.whenRunning();
        return existing;
      }
      throw serverFailure('Pipeline is already running.', 'cmd_task.py', 196);
    }
    const id = taskId(token, resolved.source);
    const comp = resolved.component;
    const compConfig = isObject(comp.config) ? comp.config : {};
    const compName =
      typeof comp.name === 'string' && comp.name !== ''
        ? comp.name
        : typeof compConfig.name === 'string' && compConfig.name !== ''
          ? compConfig.name
          : resolved.source;
    const display = typeof args.name === 'string' && args.name !== '' ? args.name : id;
    const traceLevel = typeof args.pipelineTraceLevel === 'string' ? args.pipelineTraceLevel : undefined;
    const task = new Task(
      {
        token,
        publicToken: publicToken(projectId, resolved.source),
        id,
        projectId,
        source: resolved.source,
        provider: String(comp.provider),
        name: `${display}.${compName}`,
        pipeline,
        clientEnv: rocketrideEnv(args.env),
        enginePipeline,
        // The engine drops components whose provider has no service definition.
        graph: new PipelineGraph(
          Array.isArray(enginePipeline.components) ? enginePipeline.components.filter((c) => isObject(c) && knownProvider(c.provider)) : [],
          resolved.source,
        ),
        threads: positiveInt(args.threads, defaults.threads),
        ttl: nonNegative(args.ttl, 900),
        ...(traceLevel ? { pipelineTraceLevel: traceLevel } : {}),
      },
      this.env,
    );
    if (existing) {
      existing.dispose();
      this.retired.push(existing);
    }
    this.tasks.set(token, task);
    // The engine validates the pipeline as it starts; a refusal ends the task before RUNNING with that error.
    const refused = validateForEngine(enginePipeline, true).error;
    await task.start(refused?.message);
    if (refused) throw serverFailure(refused.message, 'task_engine.py', 512);
    return task;
  }

  /** Idle-TTL termination and completed-task retention (run on the TTL scan). */
  scan(now: number, retentionMs: number): void {
    for (const [token, task] of this.tasks) {
      if (task.completed) {
        if (now - task.endTime * 1000 > retentionMs) {
          this.tasks.delete(token);
          task.dispose();
          this.env.forgetPipes(task);
          const twin = this.list().some((t) => t.projectId === task.projectId && t.source === task.source);
          this.env.taskRemoved(task, twin);
          this.env.log(`task ${task.id} removed after retention`);
        }
      } else if (task.ttl > 0 && task.state === 3 && now - task.lastActivity > task.ttl * 1000) {
        this.env.log(`task ${task.id} idle for ${task.ttl} s, stopping`);
        void task.stop(1, `Task idle for ${task.ttl} seconds`);
      }
    }
    this.retired = this.retired.filter((task) => {
      if (now - task.endTime * 1000 <= retentionMs) return true;
      this.env.forgetPipes(task);
      return false;
    });
  }

  dispose(): void {
    for (const t of this.tasks.values()) t.dispose();
    this.tasks.clear();
    this.retired = [];
  }
}

function positiveInt(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback;
}

/** Seconds; fractions are kept (the real server takes integers; tests use short TTLs). */
function nonNegative(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
