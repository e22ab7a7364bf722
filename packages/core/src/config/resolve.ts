import { VERSION } from '../version.js';
import { ENV_APIKEY, ENV_URI, type EnvMap, loadEnv, protectEnv } from './env.js';
import { type ClientOptions, DEFAULTS } from './options.js';
import { DEFAULT_URI, normalizeUri } from './uri.js';
import { checkClientOptions } from './validate.js';
import { ValidationError } from '../errors/validation-error.js';

/** Every client setting with its default applied: resolved once, when the client is constructed. */
export interface ResolvedSettings {
  clientName: string;
  clientVersion: string;
  persist: boolean;
  reconnectDelay: number;
  maxReconnectDelay: number;
  maxRetryTime: number | undefined;
  connectTimeout: number;
  keepaliveInterval: number;
  keepaliveTimeout: number;
  perMessageDeflate: boolean;
  maxPayload: number;
  wsPath: string;
  /** The default request timeout in ms; 0 = none. */
  requestTimeout: number;
}

/** What the constructor's options resolve to: the checked options, the env, the settings, the address and credential. */
export interface ResolvedOptions {
  /** The options as given (checked); the hooks (`onEvent`…) are read from here. */
  options: ClientOptions;
  /** The environment, with `ROCKETRIDE_APIKEY` readable but not enumerable. */
  env: EnvMap;
  settings: Readonly<ResolvedSettings>;
  uri: string;
  credential: string;
}

/**
 * Checks the options and resolves every default, the env (`options.env`, else the process env and
 * `./.env`), the address and the credential, once.
 * @throws ValidationError `ERR_INVALID_OPTION`, `ERR_INVALID_URI` (see the client's constructor).
 */
export function resolveOptions(given: ClientOptions): ResolvedOptions {
  const options = { ...checkClientOptions(given) };
  const env = loadEnv(options.env);
  const fromEnv = env[ENV_URI];
  if (options.uri === undefined && fromEnv !== undefined && fromEnv.trim() === '') {
    throw new ValidationError(`${ENV_URI} is set but empty: set it to the engine address, or unset it`, { code: 'ERR_INVALID_URI' });
  }
  const settings: ResolvedSettings = {
    clientName: options.clientName ?? DEFAULTS.clientName,
    clientVersion: options.clientVersion ?? VERSION,
    persist: options.persist === true,
    reconnectDelay: options.reconnectDelay ?? DEFAULTS.reconnectDelay,
    maxReconnectDelay: options.maxReconnectDelay ?? DEFAULTS.maxReconnectDelay,
    maxRetryTime: options.maxRetryTime,
    connectTimeout: options.connectTimeout ?? DEFAULTS.connectTimeout,
    keepaliveInterval: options.keepaliveInterval ?? DEFAULTS.keepaliveInterval,
    keepaliveTimeout: options.keepaliveTimeout ?? DEFAULTS.keepaliveTimeout,
    perMessageDeflate: options.perMessageDeflate ?? false,
    maxPayload: options.maxPayload ?? DEFAULTS.maxPayload,
    wsPath: options.wsPath ?? DEFAULTS.wsPath,
    requestTimeout: options.requestTimeout ?? 0,
  };
  return {
    options,
    env: protectEnv(env),
    settings: Object.freeze(settings),
    uri: normalizeUri(options.uri ?? fromEnv ?? DEFAULT_URI, settings.wsPath),
    credential: options.auth ?? env[ENV_APIKEY] ?? '',
  };
}
