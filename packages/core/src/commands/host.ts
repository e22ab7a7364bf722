import type { DAPResponse } from '../codec/types.js';
import type { CallOptions, RequestOptions } from '../config/options.js';
import { ExecutionError } from '../errors/execution-error.js';
import { responseError } from '../config/checks.js';
import { requireOptions, requireSignal } from '../config/checks.js';

/**
 * The narrow part of the client the server-tool commands (deployments, dashboard, profiling, account,
 * database) need: one request, answered whatever its `success`.
 */
export interface CommandHost {
  request<B = Record<string, unknown>>(command: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<DAPResponse<B>>;
}

/** Checks a `{ signal }` options argument before anything is sent (coded ValidationError). */
export function checkCallOptions(options: unknown): CallOptions | undefined {
  requireOptions(options);
  requireSignal((options as CallOptions | undefined)?.signal, 'options.signal');
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
  code: string,
  options: CallOptions | undefined,
): Promise<B | undefined> {
  const response = await host.request<B>(command, args, { signal: options?.signal });
  if (!response.success) throw responseError(ExecutionError, code, response, `${command} failed`);
  return response.body;
}
