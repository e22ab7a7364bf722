import type { ValidationErrorCode } from '../errors/codes.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { type CallOptions, type ClientOptions, DEFAULTS, type RequestOptions } from './options.js';

/** The longest delay Node's timers take; a larger one would fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A short, secret-free description of a value for error messages (never the value of a string). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === '') return 'an empty string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function optionError(message: string, code: ValidationErrorCode = 'ERR_INVALID_OPTION'): ValidationError {
  return new ValidationError(message, { code });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a number option: an integer in `[min, MAX_TIMER_MS]` (or up to `max`). */
function checkInteger(value: unknown, name: string, min: number, max = MAX_TIMER_MS, code: ValidationErrorCode = 'ERR_INVALID_OPTION'): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(`${name} must be an integer from ${min} to ${max} (got ${describe(value)})`, code);
  }
}

const MS_OPTIONS: ReadonlyArray<[keyof ClientOptions, number]> = [
  ['reconnectDelay', 1],
  ['maxReconnectDelay', 1],
  ['requestTimeout', 0],
  ['connectTimeout', 1],
  ['keepaliveInterval', 0],
  ['keepaliveTimeout', 1],
];
const BOOLEAN_OPTIONS: ReadonlyArray<keyof ClientOptions> = ['persist', 'perMessageDeflate'];
const STRING_OPTIONS: ReadonlyArray<keyof ClientOptions> = ['auth', 'clientName', 'clientVersion'];
const FUNCTION_OPTIONS: ReadonlyArray<keyof ClientOptions> = [
  'onConnected',
  'onDisconnected',
  'onConnectError',
  'onEvent',
  'onProtocolMessage',
  'onDebugMessage',
];

/**
 * Checks the options of a client before anything is opened: `undefined` is `{}`; anything but a
 * plain object, and any field of the wrong type or range, throws a `ValidationError`
 * (`ERR_INVALID_OPTION`; `ERR_INVALID_URI` for `uri`). Messages name the option and the kind of
 * value given, never a string's content (it may be a credential). Unknown fields are ignored.
 */
export function checkClientOptions(options: unknown, what = 'options'): ClientOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw optionError(`${what} must be an object (got ${describe(options)})`);
  const o = options as Record<string, unknown>;
  if ('uri' in o && o.uri !== undefined && (typeof o.uri !== 'string' || o.uri.trim() === '')) {
    const got = typeof o.uri === 'string' ? 'an empty string' : describe(o.uri);
    throw optionError(`${what}.uri must be a non-empty engine address; leave it out to use ROCKETRIDE_URI (got ${got})`, 'ERR_INVALID_URI');
  }
  if (o.wsPath !== undefined && (typeof o.wsPath !== 'string' || o.wsPath === '')) {
    throw optionError(`${what}.wsPath must be a non-empty string (got ${describe(o.wsPath)})`);
  }
  for (const name of STRING_OPTIONS) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw optionError(`${what}.${name} must be a string (got ${describe(o[name])})`);
  }
  for (const name of BOOLEAN_OPTIONS) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw optionError(`${what}.${name} must be true or false (got ${describe(o[name])})`);
  }
  for (const [name, min] of MS_OPTIONS) {
    if (o[name] !== undefined) checkInteger(o[name], `${what}.${name} (ms)`, min);
  }
  if (o.maxRetryTime !== undefined) checkInteger(o.maxRetryTime, `${what}.maxRetryTime (ms)`, 0, Number.MAX_SAFE_INTEGER);
  if (o.maxPayload !== undefined) checkInteger(o.maxPayload, `${what}.maxPayload (bytes)`, 1, Number.MAX_SAFE_INTEGER);
  for (const name of FUNCTION_OPTIONS) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw optionError(`${what}.${name} must be a function (got ${describe(o[name])})`);
  }
  // A socket is dropped when nothing arrived for keepaliveTimeout, checked at every ping: a timeout
  // no longer than the interval would drop healthy connections between two pings.
  const interval = (o.keepaliveInterval as number | undefined) ?? DEFAULTS.keepaliveInterval;
  const timeout = (o.keepaliveTimeout as number | undefined) ?? DEFAULTS.keepaliveTimeout;
  if (interval > 0 && timeout <= interval) {
    throw optionError(`${what}.keepaliveTimeout (${timeout} ms) must be longer than ${what}.keepaliveInterval (${interval} ms)`);
  }
  if (o.env !== undefined) {
    if (!isPlainObject(o.env)) throw optionError(`${what}.env must be an object of strings (got ${describe(o.env)})`);
    for (const [key, value] of Object.entries(o.env)) {
      if (value !== undefined && typeof value !== 'string') throw optionError(`${what}.env.${key} must be a string (got ${describe(value)})`);
    }
  }
  return o as ClientOptions;
}

function argumentError(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_ARGUMENT' });
}

/** Throws `ERR_INVALID_ARGUMENT` unless `signal` is undefined or an AbortSignal. */
export function checkSignal(signal: unknown, what: string): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw argumentError(`${what}.signal must be an AbortSignal (got ${describe(signal)})`);
  }
}

/**
 * Runs `read`, which reads fields of a caller's argument: a getter or a Proxy trap that throws there becomes
 * ValidationError `ERR_INVALID_ARGUMENT` naming `what` (the caller's error is the `cause`, never in the message);
 * this library's own coded errors pass through.
 */
export function readArgument<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if (cause instanceof RocketRideError) throw cause;
    throw new ValidationError(`${what} could not be read (a getter or Proxy trap threw)`, { code: 'ERR_INVALID_ARGUMENT', cause });
  }
}

/** Checks the `{ signal }` options of a command; throws `ERR_INVALID_ARGUMENT`. */
export function checkCallOptions(options: unknown, what: string): asserts options is CallOptions | undefined {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw argumentError(`${what} options must be an object (got ${describe(options)})`);
  readArgument(`${what} options`, () => checkSignal(options.signal, `${what} options`));
}

/** Checks the `{ signal, timeout }` options of a request; throws `ERR_INVALID_ARGUMENT`. */
export function checkRequestOptions(options: unknown, what: string): asserts options is RequestOptions | undefined {
  checkCallOptions(options, what);
  const timeout = readArgument(`${what} options`, () => (options as RequestOptions | undefined)?.timeout);
  if (timeout !== undefined) checkInteger(timeout, `${what} options.timeout (ms)`, 0, MAX_TIMER_MS, 'ERR_INVALID_ARGUMENT');
}
