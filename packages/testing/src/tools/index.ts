import type { EngineCore } from '../core.js';
import type { Handler } from '../context.js';
import type { EngineOptions } from '../types.js';
import { ACCOUNT_COMMANDS, APP_COMMANDS, onAccountMe, onAccountSaas, onAppSaas } from './account.js';
import { onProfileReport, onProfileReportTree, onProfileStart, onProfileStatus, onProfileStop } from './cprofile.js';
import { onDashboard } from './dashboard.js';
import { onDeployAdd, onDeployList, onDeployRemove, onDeployStatus, onDeployUpdate } from './deploy/commands.js';
import { startScheduler } from './deploy/scheduler.js';
import { attachTools, schedulerOptions } from './state.js';

/** The server tools' commands: deployments, dashboard, profiling, account and apps. */
export const TOOL_HANDLERS: ReadonlyArray<readonly [string, Handler]> = [
  ['rrext_deploy_add', onDeployAdd],
  ['rrext_deploy_list', onDeployList],
  ['rrext_deploy_status', onDeployStatus],
  ['rrext_deploy_update', onDeployUpdate],
  ['rrext_deploy_remove', onDeployRemove],
  ['rrext_dashboard', onDashboard],
  ['rrext_cprofile_start', onProfileStart],
  ['rrext_cprofile_stop', onProfileStop],
  ['rrext_cprofile_status', onProfileStatus],
  ['rrext_cprofile_report', onProfileReport],
  ['rrext_cprofile_report_tree', onProfileReportTree],
  ...ACCOUNT_COMMANDS.map((c) => [c, c === 'rrext_account_me' ? onAccountMe : onAccountSaas] as const),
  ...APP_COMMANDS.map((c) => [c, onAppSaas] as const),
];

/** Sets up the tools of an engine (store root, profilers, the optional scheduler); returns their shutdown. */
export function startTools(core: EngineCore, options: EngineOptions): () => void {
  const tools = attachTools(core, options);
  const scheduler = schedulerOptions(options);
  if (scheduler) tools.scheduler = startScheduler(core, tools, scheduler);
  return () => tools.dispose();
}
