import { REDACTED } from '../errors/redact.js';
import type { ConnectResult } from '../schema/connect-result.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** `util.inspect` of a guarded result: as usual, and with `showHidden` the `userToken` reads `***`. */
function inspectRedacted(
  this: Record<string, unknown>,
  _depth: number,
  options: { showHidden?: boolean },
  inspect: (value: unknown, options?: unknown) => string,
): unknown {
  if (options?.showHidden !== true) return this;
  return inspect({ ...this, userToken: REDACTED }, options);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The ConnectResult as the client hands it out: a copy whose `userToken` (a credential: in OSS mode
 * the API key itself) stays readable but is not enumerable, so logging, inspecting or serialising
 * the result does not print it.
 */
export function guardConnectResult(body: unknown): ConnectResult {
  const source = isObject(body) ? body : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) if (k !== 'userToken') out[k] = v;
  if (Object.hasOwn(source, 'userToken')) {
    Object.defineProperty(out, 'userToken', { value: source.userToken, enumerable: false, writable: true, configurable: true });
    Object.defineProperty(out, INSPECT, { value: inspectRedacted, enumerable: false });
  }
  return out as ConnectResult;
}

/**
 * An `apaext_account` event as listeners get it: its body is the new ConnectResult, whose `userToken`
 * is guarded as {@link guardConnectResult} does. Every other event is passed as it is.
 */
export function guardAccountEvent<E extends { event: string; body?: unknown }>(event: E): E {
  if (event.event !== 'apaext_account' || !isObject(event.body)) return event;
  return { ...event, body: guardConnectResult(event.body) };
}
