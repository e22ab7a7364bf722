import type { EngineCore } from '../core.js';
import type { Handler, HandlerContext } from '../context.js';
import { serverFailure } from '../failure.js';
import { isObject } from '../util.js';
import { requirePermission } from './access.js';

const SAAS_ACCOUNT = 'Account management requires SaaS mode';
const SAAS_APPS = 'App marketplace requires SaaS mode';

/** Every `rrext_account_*` command of the SDKs. */
export const ACCOUNT_COMMANDS = [
  'rrext_account_me',
  'rrext_account_org',
  'rrext_account_keys',
  'rrext_account_members',
  'rrext_account_teams',
  'rrext_account_billing',
] as const;

/** The `rrext_app_*` commands the server handles. */
export const APP_COMMANDS = ['rrext_app_developer', 'rrext_app_submission', 'rrext_app_catalog', 'rrext_app_admin', 'rrext_app_pricing'] as const;

/**
 * The server process's `ROCKETRIDE_*` variables as `get_env` shows them: its environment, and its API key, which the
 * real server reads from that same environment.
 */
function serverEnvView(core: EngineCore): Record<string, string> {
  const env: Record<string, string> = { ...core.serverEnv };
  if (core.apiKey !== undefined) env.ROCKETRIDE_APIKEY = core.apiKey;
  return env;
}

/**
 * `set_env`: replaces the whole `ROCKETRIDE_*` set (other names ignored). The API key follows
 * `ROCKETRIDE_APIKEY`: absent means any credential is accepted from then on, as on the real server.
 * The simulator writes no `.env` file.
 */
function replaceServerEnv(core: EngineCore, given: Record<string, unknown>): void {
  const env = core.serverEnv as Record<string, string>;
  for (const k of Object.keys(env)) delete env[k];
  let apiKey: string | undefined;
  for (const [k, v] of Object.entries(given)) {
    if (!k.startsWith('ROCKETRIDE_') || typeof v !== 'string') continue;
    if (k === 'ROCKETRIDE_APIKEY') apiKey = v;
    else env[k] = v;
  }
  (core as { apiKey: string | undefined }).apiKey = apiKey === '' ? undefined : apiKey;
}

/**
 * ⚠ Upstream checks no permission for the three env subcommands, so a `pk_` public token reads and replaces the server
 * API key. `head` reproduces that; `intended` asks for `task.control`, which `pk_` lacks.
 */
function guardEnv(ctx: HandlerContext): void {
  if (ctx.core.profile !== 'head') requirePermission(ctx, 'task.control');
}

/** `rrext_account_me` in OSS mode: only `get_env`, `env_keys` and `set_env`. */
export const onAccountMe: Handler = async (ctx) => {
  const sub = ctx.args.subcommand;
  if (sub === 'get_env') {
    guardEnv(ctx);
    return { env: serverEnvView(ctx.core) };
  }
  if (sub === 'env_keys') {
    guardEnv(ctx);
    return { keys: Object.keys(serverEnvView(ctx.core)).sort() };
  }
  if (sub === 'set_env') {
    guardEnv(ctx);
    const env = ctx.args.env;
    // The server's behaviour for a non-object `env` is not specified; the simulator refuses rather than clear the set.
    if (!isObject(env)) throw serverFailure('env must be an object', 'oss/__init__.py', 330);
    replaceServerEnv(ctx.core, env);
    return { updated: true };
  }
  throw serverFailure(SAAS_ACCOUNT, 'oss/__init__.py', 300);
};

/** Every other `rrext_account_*` command: SaaS only. */
export const onAccountSaas: Handler = async () => {
  throw serverFailure(SAAS_ACCOUNT, 'oss/__init__.py', 300);
};

/** Every `rrext_app_*` command: SaaS only. */
export const onAppSaas: Handler = async () => {
  throw serverFailure(SAAS_APPS, 'oss/__init__.py', 345);
};
