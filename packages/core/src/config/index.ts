export { DEFAULT_PORT, DEFAULT_URI, DEFAULT_WS_PATH, normalizeUri } from './uri.js';
export { ENV_APIKEY, ENV_URI, type EnvMap, forwardedEnv, loadEnv, protectEnv, readDotEnv, substituteEnv } from './env.js';
export { type CallOptions, type ClientOptions, DEFAULTS, type Direction, type RequestOptions } from './options.js';
export { checkCallOptions, checkClientOptions, checkRequestOptions, checkSignal, describe as describeValue, readArgument } from './validate.js';
