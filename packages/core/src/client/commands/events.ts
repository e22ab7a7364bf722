import type { CallOptions } from '../../config/options.js';
import { RocketRideError } from '../../errors/rocketride-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { requireString, responseError } from '../checks.js';
import type { RocketRideClient } from '../client.js';
import type { MonitorKey, MonitorRegistry, MonitorUpdate } from '../monitors.js';

/** Options of addMonitor/removeMonitor. */
export interface MonitorOptions {
  signal?: AbortSignal;
}

async function sendMonitor(client: RocketRideClient, update: MonitorUpdate, signal: AbortSignal | undefined): Promise<void> {
  const response = await client.request('rrext_monitor', update.args, { signal });
  if (!response.success) {
    throw responseError(RocketRideError, 'ERR_MONITOR', response, 'Event subscription failed', 'Event subscription failed: ');
  }
}

/**
 * Adds a subscriber for `types` under `key`. When the union of types for the key changes and the
 * client is connected, the engine is told; when not connected, the subscription is sent at the next
 * connect. Resolves once the engine accepted it (catch-up events arrive before that).
 */
export async function addMonitor(
  client: RocketRideClient,
  registry: MonitorRegistry,
  key: MonitorKey,
  types: readonly string[],
  options?: MonitorOptions,
): Promise<void> {
  const update = registry.add(key, types);
  if (update === undefined || !client.isConnected()) return;
  try {
    await sendMonitor(client, update, options?.signal);
  } catch (error) {
    registry.remove(key, types);
    throw error;
  }
}

/** Removes a subscriber; the engine is told when the union of types for the key changes. */
export async function removeMonitor(
  client: RocketRideClient,
  registry: MonitorRegistry,
  key: MonitorKey,
  types: readonly string[],
  options?: MonitorOptions,
): Promise<void> {
  const update = registry.remove(key, types);
  if (update === undefined || !client.isConnected()) return;
  await sendMonitor(client, update, options?.signal);
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
  await sendMonitor(client, { args: { token, types: [...types] } }, options?.signal);
}
