import type { CallOptions } from '../config/options.js';
import { checkCallOptions, describe } from '../config/validate.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { requireIndex, requireString, responseError } from '../config/checks.js';
import type { CommandHost } from './host.js';

/** Options of addMonitor/removeMonitor. */
export interface MonitorOptions {
  signal?: AbortSignal;
}

async function sendMonitor(client: CommandHost, args: Record<string, unknown>, signal: AbortSignal | undefined): Promise<void> {
  const response = await client.request('rrext_monitor', args, { signal });
  if (!response.success) {
    throw responseError(RocketRideError, 'ERR_MONITOR', response, 'Event subscription failed', 'Event subscription failed: ');
  }
}

/** Options of `setEvents()`. */
export interface SetEventsOptions extends CallOptions {
  /** Narrow the subscription to one pipe of the task (official SDK: third argument). Default: the whole task. */
  pipeId?: number;
}

/**
 * Sets the event types for a token directly (not ref-counted, not replayed after a reconnect). The
 * third argument is `{ pipeId, signal }`, or the pipe id itself as in the official SDK.
 */
export async function setEvents(
  client: CommandHost,
  token: string,
  types: readonly string[],
  options?: SetEventsOptions | number,
): Promise<void> {
  requireString(token, 'token');
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === '')) {
    throw new ValidationError(`setEvents(): types must be an array of event type names (got ${describe(types)})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (typeof options !== 'number') checkCallOptions(options, 'setEvents()');
  const opts: SetEventsOptions = typeof options === 'number' ? { pipeId: options } : (options ?? {});
  const args: Record<string, unknown> = { token, types: [...types] };
  if (opts.pipeId !== undefined) {
    requireIndex(opts.pipeId, 'pipeId');
    args.pipeId = opts.pipeId;
  }
  await sendMonitor(client, args, opts.signal);
}
