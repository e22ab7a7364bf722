/**
 * `rrext_store`: answered by the main server. The `task.store` permission comes first, then the
 * subcommand; every path is the caller's own namespace.
 */
import type { Handler } from '../context.js';
import { serverFailure } from '../failure.js';
import { type StoreCall, type StoreResult, fsClose, fsOpen, fsRead, fsWrite } from './handle-commands.js';
import { fsDelete, fsListDir, fsMkdir, fsRename, fsRmdir, fsStat } from './namespace-commands.js';
import { pyStr, pyTruthy, pyTypeName } from './pytext.js';
import { storeOf, storeUserId } from './store.js';

const SUBCOMMANDS: ReadonlyMap<string, (call: StoreCall) => Promise<StoreResult>> = new Map([
  ['fs_open', fsOpen],
  ['fs_read', fsRead],
  ['fs_write', fsWrite],
  ['fs_close', fsClose],
  ['fs_delete', fsDelete],
  ['fs_list_dir', fsListDir],
  ['fs_mkdir', fsMkdir],
  ['fs_rmdir', fsRmdir],
  ['fs_stat', fsStat],
  ['fs_rename', fsRename],
]);

export const onStore: Handler = async ({ core, conn, msg }) => {
  if (conn.lock?.kind === 'pk') throw serverFailure("Permission 'task.store' denied", 'task_conn.py', 386);
  // The connection hands handlers `{}` for a non-object `arguments`; the server calls `.get` on what was sent.
  const raw = msg.arguments === undefined ? {} : msg.arguments;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw serverFailure(`'${pyTypeName(raw)}' object has no attribute 'get'`, 'cmd_task.py', 450);
  }
  const args = raw as Record<string, unknown>;
  const subcommand = args.subcommand;
  if (!pyTruthy(subcommand)) throw serverFailure('Subcommand is required', 'cmd_task.py', 455);
  const run = typeof subcommand === 'string' ? SUBCOMMANDS.get(subcommand) : undefined;
  if (!run) throw serverFailure(`Unknown subcommand: ${pyStr(subcommand)}`, 'cmd_task.py', 462);
  const userId = storeUserId(conn);
  if (userId === undefined) throw serverFailure('Not authenticated', 'task_conn.py', 287);
  return run({ store: storeOf(core), userId, connId: conn.id, args });
};
