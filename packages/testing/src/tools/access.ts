import type { HandlerContext } from '../context.js';
import { serverFailure } from '../failure.js';

export type TaskPermission = 'task.control' | 'task.data' | 'task.monitor' | 'task.debug' | 'task.store';

/**
 * Refuses a `pk_` (public task token) connection, which holds `task.data` only, with the server's
 * `Permission '<name>' denied`. API keys and `tk_` tokens hold all five task permissions.
 */
export function requirePermission(ctx: HandlerContext, permission: TaskPermission): void {
  if (ctx.conn.lock?.kind === 'pk' && permission !== 'task.data') {
    throw serverFailure(`Permission '${permission}' denied`, 'task_server.py', 240);
  }
}

/** The authenticated identity: every OSS credential is user `local`. */
export function userIdOf(_ctx: HandlerContext): string {
  return 'local';
}
