import { ValidationError } from '@rocketride-streams/core';

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_OPTION' });
}

/**
 * Checks the options object every Observable factory takes, before anything is subscribed or sent:
 * an object (or undefined), `onError` a function, `graceMs` a non-negative finite number, `taskId` a
 * non-empty string. @throws ValidationError `ERR_INVALID_OPTION`.
 */
export function checkStreamOptions(options: unknown, factory: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(`${factory}: options must be an object`);
  const { onError, graceMs, taskId } = options as Record<string, unknown>;
  if (onError !== undefined && typeof onError !== 'function') throw invalid(`${factory}: onError must be a function`);
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0)) {
    throw invalid(`${factory}: graceMs must be a non-negative number`);
  }
  if (taskId !== undefined && (typeof taskId !== 'string' || taskId === '')) throw invalid(`${factory}: taskId must be a non-empty string`);
}

/** Checks a task token argument. @throws ValidationError `ERR_INVALID_ARGUMENT`. */
export function checkToken(token: unknown, factory: string): void {
  if (typeof token !== 'string' || token === '') {
    throw new ValidationError(`${factory}: token must be a non-empty string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}
