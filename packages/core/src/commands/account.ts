import type { CallOptions } from '../config/options.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ExecutionError } from '../errors/execution-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ConnectResult } from '../schema/connect-result.js';
import { responseError } from '../config/checks.js';
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
    if (typeof subcommand !== 'string' || !SUBCOMMANDS.includes(subcommand)) {
      throw new ValidationError(`subcommand must be one of ${SUBCOMMANDS.join(', ')}`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    if (!isRecord(args)) throw new ValidationError('args must be an object', { code: 'ERR_INVALID_ARGUMENT' });
    const opts = checkCallOptions(options);
    refusePublicToken(this.host, subcommand);
    const response = await this.host.request('rrext_account_me', { ...args, subcommand }, { signal: opts?.signal });
    if (!response.success) {
      const code = response.message === SAAS_ONLY_MESSAGE ? 'ERR_SAAS_ONLY' : 'ERR_ACCOUNT';
      throw responseError(ExecutionError, code, response, 'rrext_account_me failed');
    }
    return isRecord(response.body) ? response.body : {};
  }

  /** The server process's `ROCKETRIDE_*` variables, values in clear. Refused with a `pk_` credential. */
  async getEnv(options?: CallOptions): Promise<Record<string, string>> {
    const body = await this.me('get_env', {}, options);
    return isRecord(body.env) ? (body.env as Record<string, string>) : {};
  }

  /**
   * Replaces the **whole** `ROCKETRIDE_*` set of the server process (names without the prefix are ignored by the
   * engine, which also rewrites its `.env`). Leaving out `ROCKETRIDE_APIKEY` removes the server's key, after which it
   * accepts any credential. Refused with a `pk_` credential.
   */
  async setEnv(env: Record<string, string>, options?: CallOptions): Promise<void> {
    if (!isRecord(env) || !Object.values(env).every((v) => typeof v === 'string')) {
      throw new ValidationError('env must be an object of string values', { code: 'ERR_INVALID_ARGUMENT' });
    }
    await this.me('set_env', { env }, options);
  }

  /** The names of the server process's `ROCKETRIDE_*` variables, sorted. */
  async envKeys(options?: CallOptions): Promise<string[]> {
    const body = await this.me('env_keys', {}, options);
    return Array.isArray(body.keys) ? (body.keys as string[]) : [];
  }

  /** The account profile (SaaS only: `ERR_SAAS_ONLY` in OSS mode). */
  get(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('get', {}, options);
  }

  /** Updates the account profile (SaaS only). */
  update(fields: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('update', fields, options);
  }

  /** Sets the default team (SaaS only). */
  setDefaultTeam(teamId: string, options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('set_default_team', { teamId }, options);
  }

  /** Deletes the account (SaaS only). */
  delete(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.me('delete', {}, options);
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
