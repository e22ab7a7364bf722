import type { CallOptions } from '../../config/options.js';
import { RocketRideError } from '../../errors/rocketride-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { requireString, responseError } from '../checks.js';
import type { RocketRideClient } from '../client.js';

/** Options of addMonitor/removeMonitor. */
export interface MonitorOptions {
  signal?: AbortSignal;
}

async function sendMonitor(client: RocketRideClient, args: Record<string, unknown>, signal: AbortSignal | undefined): Promise<void> {
  const response = await client.request('rrext_monitor', args, { signal });
  if (!response.success) {
    throw responseError(RocketRideError, 'ERR_MONITOR', response, 'Event subscription failed', 'Event subscription failed: ');
  }
}

/** Sets the event types for a token directly (not ref-counted, not replayed after a reconnect). */
export async function setEvents(
  client: RocketRideClient,
  token: string,
  types: readonly string[],
  options?: CallOptions,
): Promise<void> {
  requireString(token, 'token');
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string')) {
    throw new ValidationError('types must be an array of strings', { code: 'ERR_INVALID_ARGUMENT' });
  }
  await sendMonitor(client, { token, types: [...types] }, options?.signal);
}
