import { onAuth, onDeauth } from './auth.js';
import { type Handler, type HandlerContext, requestToken } from './context.js';
import { serverFailure } from './failure.js';
import { onMonitor } from './monitor/command.js';
import { onPing, onPublicCatalog, onPublicProbe, onServices } from './misc.js';
import { onProcess } from './pipes/process.js';
import { onStore } from './store/dispatch.js';
import {
  onExecute,
  onGetPipeline,
  onGetTaskStatus,
  onGetTasks,
  onGetToken,
  onRestart,
  onTerminate,
} from './tasks/commands.js';
import { onValidate } from './tasks/validate-command.js';
import { TOOL_HANDLERS } from './tools/index.js';

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['auth', onAuth],
  ['deauth', onDeauth],
  ['execute', onExecute],
  ['terminate', onTerminate],
  ['restart', onRestart],
  ['rrext_get_task_status', onGetTaskStatus],
  ['rrext_get_token', onGetToken],
  ['rrext_get_tasks', onGetTasks],
  ['rrext_get_pipeline', onGetPipeline],
  ['rrext_process', onProcess],
  ['rrext_store', onStore],
  ['rrext_monitor', onMonitor],
  ['rrext_ping', onPing],
  ['rrext_services', onServices],
  ['rrext_validate', onValidate],
  ['rrext_public_probe', onPublicProbe],
  ['rrext_public_catalog', onPublicCatalog],
  ...TOOL_HANDLERS,
]);

/** Names of the server's internal handler methods: a command by one of these names is refused as upstream. */
const INTERNAL_NAMES = new Set(['receive', 'connected', 'disconnected', 'event', 'send', 'request', 'response', 'close', 'message']);

/** Runs one authenticated (or public) request; resolves with the body, rejects with the failure. */
export async function dispatch(ctx: HandlerContext): Promise<Record<string, unknown> | undefined> {
  const command = ctx.msg.command;
  if (typeof command !== 'string' || command === '') throw serverFailure('Invalid command: ', 'task_conn.py', 402);
  const handler = HANDLERS.get(command);
  if (handler) return handler(ctx);
  if (command.startsWith('rrext_') || INTERNAL_NAMES.has(command)) {
    throw serverFailure(`Invalid command: ${command}`, 'task_conn.py', 402);
  }
  // Anything else is a debugger command for the task's debugger; `execute` tasks have none.
  ctx.core.registry.require(requestToken(ctx));
  throw serverFailure('Debug interface not available', 'cmd_debug.py', 58);
}
