import { MAX_TIMER_MS, ValidationError } from '@rocketride-streams/core';
import { isAbortSignal } from '@rocketride-streams/core/internal';

/**
 * Argument checks shared by every entry point of this package. Each throws a coded ValidationError
 * before anything is sent: `ERR_INVALID_OPTION` for options, `ERR_INVALID_TOKEN` for the task token,
 * `ERR_INVALID_ARGUMENT` for the client. An `undefined` option is always accepted (its default applies).
 */

/** Largest payload of one write: far below the engine's 250 MiB frame limit (PROTOCOL.md §3.3). */
export const MAX_WRITE_BYTES = 128 * 1024 * 1024;
/** Largest stream buffer (`highWaterMark`). */
export const MAX_HIGH_WATER_MARK = 1024 * 1024 * 1024;
/** Largest file read size (`fileChunkSize`). */
export const MAX_FILE_CHUNK = 128 * 1024 * 1024;
/** Most pipes `uploadFiles` keeps open at once. */
export const MAX_CONCURRENCY = 256;
export { MAX_TIMER_MS };

export const invalidOption = (message: string): ValidationError => new ValidationError(message, { code: 'ERR_INVALID_OPTION' });

/** A short, secret-free description of a bad value for an error message. */
export function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Only a short string is shown (a mode or endpoint typo): a longer one in an option's place may be a credential
  // passed by mistake, and a message must never carry one.
  if (typeof value === 'string') return value.length > 8 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `an object (${name})`;
  }
  return typeof value;
}

/** The options argument itself: an object, or undefined (`null` and primitives are refused). */
export function checkOptionsObject(value: unknown, name = 'options'): asserts value is Record<string, unknown> | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(`${name} must be an object, got ${shown(value)}`);
  }
}

/** An integer option within `[min, max]`. */
export function checkInteger(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalidOption(`${name} must be an integer from ${min} to ${max}, got ${shown(value)}`);
  }
}

/** A timeout in ms: an integer from 0 (none) to the largest delay a timer honours. */
export function checkTimeout(value: unknown, name: string): void {
  checkInteger(value, name, 0, MAX_TIMER_MS);
}

/** A non-empty string option. */
export function checkString(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.trim() === '') throw invalidOption(`${name} must be a non-empty string, got ${shown(value)}`);
}

/** An AbortSignal option (checked by shape, so a signal of any realm passes). */
export function checkSignal(value: unknown, name = 'signal'): void {
  if (value === undefined) return;
  if (!isAbortSignal(value)) throw invalidOption(`${name} must be an AbortSignal, got ${shown(value)}`);
}

/** A callback option. */
export function checkFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') throw invalidOption(`${name} must be a function, got ${shown(value)}`);
}

/** Object information: a plain object whose `name` is a string and `size` a non-negative integer, when present. */
export function checkObjinfo(value: unknown, name = 'objinfo'): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidOption(`${name} must be an object, got ${shown(value)}`);
  const info = value as Record<string, unknown>;
  if (info.name !== undefined && typeof info.name !== 'string') throw invalidOption(`${name}.name must be a string, got ${shown(info.name)}`);
  checkInteger(info.size, `${name}.size`, 0, Number.MAX_SAFE_INTEGER);
}

/** The task token: a non-empty string (`ERR_INVALID_TOKEN`). */
export function checkToken(token: unknown, what = 'open a pipe'): asserts token is string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ValidationError(`A task token (a non-empty string) is required to ${what}, got ${shown(token)}`, { code: 'ERR_INVALID_TOKEN' });
  }
}

/**
 * The token argument of `upload()`, `uploadFiles()` and `httpUpload()`, which now comes before the source
 * (a 0.x API change). Anything but a string is refused with `ERR_INVALID_ARGUMENT`, saying so, since a
 * source or a file list there is most likely a call written for the old order. The caller then checks
 * a blank string (`ERR_INVALID_TOKEN`, as for a pipe).
 */
export function checkTokenFirst(token: unknown, call: string, form: string): asserts token is string {
  if (typeof token !== 'string') {
    throw new ValidationError(
      `${call} takes the task token first: ${form}, got ${shown(token)} where the token goes (0.x API change: the token used to come after the source)`,
      { code: 'ERR_INVALID_ARGUMENT' },
    );
  }
}

/** The client: something with the RocketRideClient methods a pipe uses (`ERR_INVALID_ARGUMENT`). */
export function checkClient(client: unknown): void {
  const c = client as { request?: unknown; isConnected?: unknown; on?: unknown; off?: unknown } | null;
  if (
    typeof client !== 'object' ||
    c === null ||
    typeof c.request !== 'function' ||
    typeof c.isConnected !== 'function' ||
    typeof c.on !== 'function' ||
    typeof c.off !== 'function'
  ) {
    throw new ValidationError(`client must be a RocketRideClient, got ${shown(client)}`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}
