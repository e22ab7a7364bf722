import { type Handler, type HandlerContext, requestToken } from '../context.js';
import type { EngineCore } from '../core.js';
import { isObject } from '../util.js';
import { serverFailure, subprocessFailure } from '../failure.js';
import { selectLane } from '../lanes/select.js';
import type { Task } from '../tasks/task.js';
import { TaskState } from '../tasks/state.js';
import { toEngineObject } from './objinfo.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Main-server checks of every `rrext_process` request: the task must be RUNNING; then its idle TTL is reset. */
export async function dataTask(core: EngineCore, token: unknown): Promise<Task> {
  const task = core.registry.require(token);
  await task.whenRunning();
  if (task.completed) throw serverFailure(task.exitMessage || 'Task has already completed', 'task_server.py', 512);
  if (task.state === TaskState.STOPPING) {
    throw serverFailure('Task is terminating, cannot process data requests', 'task_server.py', 515);
  }
  task.lastActivity = Date.now();
  return task;
}

/** `open`: checks the arguments, waits for a slot, opens the pipe. */
export async function openPipe(
  core: EngineCore,
  task: Task,
  args: { object?: unknown; mimeType?: unknown; provider?: unknown },
): Promise<number> {
  if (typeof args.provider === 'string' && args.provider !== '' && args.provider !== task.provider) {
    throw serverFailure(`You are looking for a "${args.provider}", but this pipeline isn't it`, 'cmd_data.py', 88);
  }
  if (!isObject(args.object)) throw subprocessFailure('No object info specified', 141);
  if (typeof args.mimeType !== 'string' || args.mimeType === '') throw subprocessFailure('No mimeType specified', 144);
  const object = toEngineObject(args.object);
  const mimeType = args.mimeType;
  await core.faults.openGate();
  const pipeId = await task.slots.acquire();
  const lane = selectLane(mimeType, task.graph.listens());
  task.openPipe(pipeId, object, mimeType, lane);
  return pipeId;
}

/** `write`: applies one chunk (after the configured jitter), then acknowledges (after the configured delay). */
export async function writePipe(core: EngineCore, task: Task, pipeIdArg: unknown, data: unknown): Promise<void> {
  if (pipeIdArg === undefined || pipeIdArg === null) throw subprocessFailure('No pipe_id specified', 262);
  const pipeId = Number(pipeIdArg);
  const pipe = task.pipes.get(pipeId);
  if (!pipe) throw subprocessFailure(`Write pipe with id ${String(pipeIdArg)} not found`, 266);
  if (!Buffer.isBuffer(data)) throw subprocessFailure('No data specified', 270);
  pipe.inFlight++;
  try {
    const jitter = core.faults.writeJitterMs;
    if (jitter > 0) await sleep(Math.random() * jitter);
    if (task.pipes.get(pipeId) !== pipe) throw subprocessFailure(`Write pipe with id ${pipeId} not found`, 266);
    pipe.write(data);
    task.noteWrite(pipe, data.length);
    const ack = core.faults.ackDelayMs;
    if (ack > 0) await sleep(ack);
  } finally {
    pipe.inFlight--;
    pipe.lastActivity = Date.now();
  }
}

/** `close`: removes the pipe, flushes it, frees the slot and returns the PIPELINE_RESULT. */
export function closePipe(core: EngineCore, task: Task, pipeIdArg: unknown): Record<string, unknown> {
  const pipeId = Number(pipeIdArg);
  const pipe = pipeIdArg === undefined || pipeIdArg === null ? undefined : task.pipes.get(pipeId);
  if (!pipe) throw subprocessFailure(`Close pipe with id ${String(pipeIdArg ?? 'None')} not found`, 318);
  const result = pipe.finish();
  const failure = core.faults.pipelineFailure;
  if (failure !== undefined) {
    result.error = { message: failure, code: 'Error', file: 'pipeline.cpp', line: 1, function: 'closeObject' };
  }
  task.releasePipe(pipe, 'closed');
  if (pipe.record.state === 'open') pipe.record.state = 'closed';
  pipe.record.result = result;
  return result;
}

/** `rrext_process {subcommand: open|write|close}`. */
export const onProcess: Handler = async (ctx: HandlerContext) => {
  const { core, args } = ctx;
  if (args.subcommand === 'write' && typeof args.data === 'string') {
    // A string payload in a text frame never reaches the engine (PROTOCOL.md §15.3).
    throw serverFailure('Could not send request', 'task_conn.py', 655);
  }
  const task = await dataTask(core, requestToken(ctx));
  switch (args.subcommand) {
    case 'open':
      return { pipe_id: await openPipe(core, task, args) };
    case 'write':
      await writePipe(core, task, args.pipe_id, args.data);
      return undefined;
    case 'close':
      return closePipe(core, task, args.pipe_id);
    default:
      throw subprocessFailure(`Invalid subcommand ${args.subcommand === undefined ? 'None' : String(args.subcommand)}`, 120);
  }
};

/** Reaps pipes idle longer than `idleMs` with no write in flight, as the engine does. */
export function reapIdlePipes(core: EngineCore, idleMs: number, now = Date.now()): number {
  let reaped = 0;
  for (const task of core.registry.list()) {
    for (const pipe of [...task.pipes.values()]) {
      if (pipe.inFlight > 0 || now - pipe.lastActivity <= idleMs) continue;
      pipe.failed = true;
      pipe.record.state = 'abandoned';
      task.releasePipe(pipe, 'reaped');
      core.log(`reaped pipe ${pipe.id} of task ${task.id}`);
      reaped++;
    }
  }
  return reaped;
}
