import type { AbortErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** The operation was aborted through its AbortSignal. */
export class AbortError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.AbortError');
  declare readonly code: AbortErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<AbortErrorCode> = {}) {
    super(message, { code: 'ERR_ABORTED', ...options });
  }
}
