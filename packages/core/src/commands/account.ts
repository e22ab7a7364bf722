import type { CallOptions } from '../config/options.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ExecutionError } from '../errors/execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { responseError } from '../config/checks.js';
import { readArgument } from '../config/validate.js';
import { isRecord } from '../config/shape.js';
import { type CommandHost, checkCallOptions } from './host.js';

/** What the account commands need besides a request: the credential the connection authenticates with. */
export interface AccountHost extends CommandHost {
  credential(): string;
}

/** The engine's answer to every account command but three in OSS mode. */
export const SAAS_ONLY_MESSAGE = 'Account management requires SaaS mode';

/** The `rrext_account_me` subcommands the official SDKs send. */
export type AccountMeSubcommand = 'get' | 'update' | 'set_default_team' | 'delete' | 'get_env' | 'set_env' | 'env_keys';

const SUBCOMMANDS: readonly string[] = ['get', 'update', 'set_default_team', 'delete', 'get_env', 'set_env', 'env_keys'];

/** Whose environment `getEnv`/`setEnv` address: the user's (`rrext_account_me`, the one OSS has), an org's or a team's (SaaS only). */
export type EnvScope = 'user' | 'org' | 'team';

const SCOPE_COMMANDS: Record<EnvScope, { command: string; idField?: string }> = {
  user: { command: 'rrext_account_me' },
  org: { command: 'rrext_account_org', idField: 'orgId' },
  team: { command: 'rrext_account_teams', idField: 'teamId' },
};

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_ARGUMENT' });
}

function checkEnv(env: unknown): asserts env is Record<string, string> {
  if (!isRecord(env) || !readArgument('env', () => Object.values(env)).every((v) => typeof v === 'string')) throw invalid('env must be an object of string values');
}

/** The command and arguments of an env subcommand for `scope` (with its id, when given). */
function scoped(scope: unknown, scopeId: unknown, method: string): { command: string; args: Record<string, unknown> } {
  if (typeof scope !== 'string' || !Object.hasOwn(SCOPE_COMMANDS, scope)) {
    throw invalid(`${method}: scope must be 'user', 'org' or 'team' (got ${typeof scope === 'string' ? JSON.stringify(scope) : typeof scope})`);
  }
  const { command, idField } = SCOPE_COMMANDS[scope as EnvScope];
  if (scopeId === undefined) return { command, args: {} };
  if (idField === undefined) throw invalid(`${method}: the user scope takes no id (got ${typeof scopeId})`);
  if (typeof scopeId !== 'string' || scopeId === '') throw invalid(`${method}: the ${scope} id must be a non-empty string`);
  return { command, args: { [idField]: scopeId } };
}

/**
 * ⚠ Upstream checks no permission on `get_env`/`set_env` (§16.I): a `pk_` public token, meant for task data only,
 * could read the server's API key or replace it. The client does not make that call. The credential itself is never
 * part of the message.
 */
function refusePublicToken(host: AccountHost, subcommand: string): void {
  if (subcommand !== 'get_env' && subcommand !== 'set_env') return;
  if (!host.credential().startsWith('pk_')) return;
  throw new AuthenticationError(
    `${subcommand} refused: this client is authenticated with a pk_ public token, which grants task data only; ` +
      `the engine would let it ${subcommand === 'get_env' ? 'read' : 'replace'} the server's ROCKETRIDE_* variables, ` +
      'its API key included (PROTOCOL.md §16.I). Connect with an API key to manage the server environment.',
    { code: 'ERR_PUBLIC_TOKEN_REFUSED' },
  );
}

/**
 * The account of the authenticated user (`rrext_account_me`), reached as `client.account`. In OSS mode only the three
 * environment subcommands work; the others fail with ExecutionError `ERR_SAAS_ONLY` (`Account management requires
 * SaaS mode`). Other failures are `ERR_ACCOUNT` with the engine's message.
 */
export class AccountApi {
  constructor(private readonly host: AccountHost) {}

  /** Sends one `rrext_account_me` subcommand and resolves with the body. */
  async me(subcommand: AccountMeSubcommand, args: Record<string, unknown> = {}, options?: CallOptions): Promise<Record<string, unknown>> {
    if (typeof subcommand !== 'string' || !SUBCOMMANDS.includes(subcommand)) throw invalid(`subcommand must be one of ${SUBCOMMANDS.join(', ')}`);
    if (!isRecord(args)) throw invalid('args must be an object');
    // Copied once: a getter or Proxy trap that throws is refused (coded) before anything is sent.
    return this.send('rrext_account_me', subcommand, readArgument('args', () => ({ ...args })), options);
  }

  private async send(command: string, subcommand: string, args: Record<string, unknown>, options: CallOptions | undefined): Promise<Record<string, unknown>> {
    const opts = checkCallOptions(options);
    refusePublicToken(this.host, subcommand);
    const response = await this.host.request(command, { ...args, subcommand }, { signal: opts?.signal });
    if (!response.success) {
      const code = response.message === SAAS_ONLY_MESSAGE ? 'ERR_SAAS_ONLY' : 'ERR_ACCOUNT';
      throw responseError(ExecutionError, code, response, `${command} failed`);
    }
    return isRecord(response.body) ? response.body : {};
  }

  /**
   * The `ROCKETRIDE_*` variables of a scope, values in clear: the official `getEnv(scope, scopeId?)`, or
   * `getEnv(options?)` for the user's, which in OSS mode is the server process's own set. `'org'` and
   * `'team'` (with the org or team id) are SaaS only (`ERR_SAAS_ONLY` from an OSS engine). Refused with a
   * `pk_` credential (`ERR_PUBLIC_TOKEN_REFUSED`, nothing sent).
   */
  getEnv(options?: CallOptions): Promise<Record<string, string>>;
  getEnv(scope: EnvScope, scopeId?: string, options?: CallOptions): Promise<Record<string, string>>;
  async getEnv(first?: EnvScope | CallOptions, scopeId?: string, options?: CallOptions): Promise<Record<string, string>> {
    const { command, args } = typeof first === 'string' ? scoped(first, scopeId, 'getEnv()') : scoped('user', undefined, 'getEnv()');
    const body = await this.send(command, 'get_env', args, typeof first === 'string' ? options : first);
    return isRecord(body.env) ? (body.env as Record<string, string>) : {};
  }

  /**
   * Replaces the **whole** `ROCKETRIDE_*` set of a scope: the official `setEnv(scope, env, scopeId?)`, or
   * `setEnv(env, options?)` for the user's. In OSS mode that is the server process's set (names without the
   * prefix are ignored by the engine, which also rewrites its `.env`): leaving out `ROCKETRIDE_APIKEY` removes the
   * server's key, after which it accepts any credential. `'org'`/`'team'` are SaaS only. Refused with a `pk_` credential.
   */
  setEnv(env: Record<string, string>, options?: CallOptions): Promise<void>;
  setEnv(scope: EnvScope, env: Record<string, string>, scopeId?: string, options?: CallOptions): Promise<void>;
  async setEnv(
    first: EnvScope | Record<string, string>,
    second?: Record<string, string> | CallOptions,
    scopeId?: string,
    options?: CallOptions,
  ): Promise<void> {
    const official = typeof first === 'string';
    const { command, args } = official ? scoped(first, scopeId, 'setEnv()') : scoped('user', undefined, 'setEnv()');
    const env = official ? second : first;
    checkEnv(env);
    await this.send(command, 'set_env', { ...args, env }, official ? options : (second as CallOptions | undefined));
  }

  /** The names of the user's (in OSS: the server process's) `ROCKETRIDE_*` variables, sorted (official name). */
  async getEnvironmentKeys(options?: CallOptions): Promise<string[]> {
    const body = await this.me('env_keys', {}, options);
    return Array.isArray(body.keys) ? (body.keys as string[]) : [];
  }

  /** The same as {@link getEnvironmentKeys}. */
  envKeys(options?: CallOptions): Promise<string[]> {
    return this.getEnvironmentKeys(options);
  }

  /** The account profile (official name; SaaS only: `ERR_SAAS_ONLY` in OSS mode). */
  getProfile(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('get', {}, options);
  }

  /** The same as {@link getProfile}. */
  get(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.getProfile(options);
  }

  /** Updates the account profile (official name; SaaS only). */
  async updateProfile(fields: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>> {
    if (!isRecord(fields)) throw invalid('fields must be an object');
    return this.me('update', readArgument('fields', () => ({ ...fields })), options);
  }

  /** The same as {@link updateProfile}. */
  update(fields: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.updateProfile(fields, options);
  }

  /** Sets the default team (SaaS only). */
  async setDefaultTeam(teamId: string, options?: CallOptions): Promise<Record<string, unknown>> {
    // Checked here: the engine would get (and store) whatever was given.
    if (typeof teamId !== 'string' || teamId.trim() === '') throw invalid('teamId must be a non-empty string');
    return this.me('set_default_team', { teamId }, options);
  }

  /** Deletes the account (official name; SaaS only). */
  deleteAccount(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('delete', {}, options);
  }

  /** The same as {@link deleteAccount}. */
  delete(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.deleteAccount(options);
  }
}

/** The official `getAccountInfo()`: the ConnectResult of the current authenticated session, else undefined. */
export function accountInfo(connected: boolean, result: ConnectResult | undefined): ConnectResult | undefined {
  return connected ? result : undefined;
}

/** The official `getOrgId()`: the id of the user's first organisation, if any. */
export function orgIdOf(result: ConnectResult | undefined): string | undefined {
  const id = result?.organizations?.[0]?.id;
  return typeof id === 'string' ? id : undefined;
}
