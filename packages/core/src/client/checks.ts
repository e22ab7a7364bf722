import type { DAPResponse } from '../codec/types.js';
import type { RocketRideError, RocketRideErrorOptions } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';

type ErrorClass = new (message: string, options?: RocketRideErrorOptions) => RocketRideError;

/**
 * Builds the typed error for a `success:false` response: the message is the server's message (with
 * an optional prefix), and `serverMessage`, `trace`, `command` and the whole response are kept.
 */
export function responseError(
  ErrorType: ErrorClass,
  code: string,
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
