import type { DAPResponse } from '../codec/types.js';
import type { ErrorCode } from '../errors/codes.js';
import type { RocketRideError, RocketRideErrorOptions } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';

type ErrorClass<C extends ErrorCode> = new (message: string, options?: RocketRideErrorOptions<C>) => RocketRideError;

/**
 * Builds the typed error for a `success:false` response: the message is the server's message (with
 * an optional prefix), and `serverMessage`, `trace`, `command` and the whole response are kept.
 */
export function responseError<C extends ErrorCode>(
  ErrorType: ErrorClass<C>,
  code: C,
  response: DAPResponse<unknown>,
  fallback: string,
  prefix = '',
): RocketRideError {
  const server = typeof response.message === 'string' && response.message !== '' ? response.message : undefined;
  return new ErrorType(`${prefix}${server ?? fallback}`, {
    code,
    serverMessage: server,
    trace: response.trace,
    command: response.command ?? undefined,
    response,
  });
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a non-empty string. */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${name} must be a non-empty string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a plain object (or undefined when optional). */
export function requireObject(value: unknown, name: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${name} must be an object`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/** Throws `ERR_INVALID_DATA` unless `value` is a Uint8Array or an array of them. */
export function requireBytes(value: unknown, name = 'data'): void {
  if (value instanceof Uint8Array) return;
  if (Array.isArray(value) && value.every((v) => v instanceof Uint8Array)) return;
  throw new ValidationError(`${name} must be a Uint8Array (or an array of them)`, { code: 'ERR_INVALID_DATA' });
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a non-negative integer. */
export function requireIndex(value: unknown, name: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new ValidationError(`${name} must be a non-negative integer`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/** The largest delay `setTimeout` honours (about 24.8 days); a larger one would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Whether `value` is an AbortSignal, checked by shape so that a signal of any realm passes. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  const s = value as Partial<AbortSignal> | null;
  return (
    typeof value === 'object' &&
    s !== null &&
    typeof s.aborted === 'boolean' &&
    typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function'
  );
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is an AbortSignal (or undefined). Checked by shape, so any realm's signal passes. */
export function requireSignal(value: unknown, name = 'signal'): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  if (!isAbortSignal(value)) throw new ValidationError(`${name} must be an AbortSignal`, { code: 'ERR_INVALID_ARGUMENT' });
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is an options object (or undefined; `null` is refused). */
export function requireOptions(value: unknown, name = 'options'): asserts value is Record<string, unknown> | undefined {
  if (value === undefined) return;
  requireObject(value, name);
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a timeout in ms: an integer from 0 to {@link MAX_TIMER_MS} (or undefined). */
export function requireTimeout(value: unknown, name: string): asserts value is number | undefined {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_TIMER_MS) {
    throw new ValidationError(`${name} must be an integer number of milliseconds from 0 to ${MAX_TIMER_MS}`, {
      code: 'ERR_INVALID_ARGUMENT',
    });
  }
}

/** Throws `ERR_INVALID_ARGUMENT` unless `value` is a function (or undefined). */
export function requireFunction(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ValidationError(`${name} must be a function`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/**
 * Throws `ERR_INVALID_ARGUMENT` unless `value` is object information the engine can use: a plain
 * object whose `name`, when present, is a string and whose `size`, when present, is a non-negative
 * safe integer (or undefined when optional).
 */
export function requireObjinfo(value: unknown, name: string, optional = false): void {
  requireObject(value, name, optional);
  if (value === undefined) return;
  const info = value as Record<string, unknown>;
  if (info.name !== undefined && typeof info.name !== 'string') {
    throw new ValidationError(`${name}.name must be a string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  if (info.size !== undefined && (!Number.isSafeInteger(info.size) || (info.size as number) < 0)) {
    throw new ValidationError(`${name}.size must be a non-negative integer`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}
