import { describeValue, ValidationError, type ValidationErrorCode } from '@rocketride-streams/core';

/** A coded refusal of a caller's argument, raised before anything is sent. */
export function invalid(message: string, code: ValidationErrorCode = 'ERR_INVALID_OPTION'): ValidationError {
  return new ValidationError(message, { code });
}

/** How long an upload waits for an engine to come (back) when none is ready, by default (ms). */
export const DEFAULT_NO_ENGINE_WAIT_MS = 30_000;

/** Checks `noEngineWaitMs`. @throws ValidationError `ERR_INVALID_OPTION`. */
export function checkWait(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2_147_483_647) {
    throw new ValidationError(`${where} options.noEngineWaitMs must be an integer from 0 to 2147483647 (got ${describeValue(value)})`, {
      code: 'ERR_INVALID_OPTION',
    });
  }
}
