import type { ValidationErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** Invalid input, rejected before anything was sent, or a pipeline the engine refused to validate. */
export class ValidationError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ValidationError');
  declare readonly code: ValidationErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<ValidationErrorCode> = {}) {
    super(message, { code: 'ERR_VALIDATION', ...options });
  }
}
