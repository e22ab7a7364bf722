import type { ExecutionErrorCode } from '../errors/codes.js';
import type { DAPResponse } from '../codec/types.js';
import type { EnvMap } from '../config/env.js';
import type { CallOptions, RequestOptions } from '../config/options.js';
import type { TypedEmitter } from '../events/emitter.js';
import { ExecutionError } from '../errors/execution-error.js';
import { responseError } from '../config/checks.js';
import { requireOptions, requireSignal } from '../config/checks.js';
import { readArgument } from '../config/validate.js';

/**
 * The narrow part of the client the server-tool commands (deployments, dashboard, profiling, account,
 * database) need: one request, answered whatever its `success`.
 */
export interface CommandHost {
  request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>>;
}

/** What the task commands need: requests, and the env that `use()` substitutes and forwards. */
export interface TaskHost extends CommandHost {
  readonly env: EnvMap;
}

/** What `getServerInfo()` needs: requests, and whether there is a socket (a session, or only attached) to send the probe on. */
export interface ProbeHost extends CommandHost {
  isConnected(): boolean;
  isAttached(): boolean;
}

/**
 * What the store commands need from a client (a `RocketRideClient` is one): requests, whether it is
 * connected, and its `'connected'`/`'disconnected'` events (the store's handle bookkeeping follows them).
 */
export interface StoreHost extends CommandHost, Pick<TypedEmitter, 'on'> {
  isConnected(): boolean;
}

/** Checks a `{ signal }` options argument before anything is sent (coded ValidationError). */
export function checkCallOptions(options: unknown): CallOptions | undefined {
  requireOptions(options);
  readArgument('options', () => requireSignal((options as CallOptions | undefined)?.signal, 'options.signal'));
  return options as CallOptions | undefined;
}

/**
 * Sends `command` and resolves with the body of a `success:true` answer; a `success:false` one becomes an
 * ExecutionError with `code` and the server's message.
 */
export async function callTool<B>(
  host: CommandHost,
  command: string,
  args: Record<string, unknown> | undefined,
  code: ExecutionErrorCode,
  options: CallOptions | undefined,
): Promise<B | undefined> {
  const response = await host.request<B>(command, args, { signal: options?.signal });
  if (!response.success) throw responseError(ExecutionError, code, response, `${command} failed`);
  return response.body;
}
