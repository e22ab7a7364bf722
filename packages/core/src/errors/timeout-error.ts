import type { TimeoutErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A request got no response within its timeout. */
export class TimeoutError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.TimeoutError');
  declare readonly code: TimeoutErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<TimeoutErrorCode> = {}) {
    super(message, { code: 'ERR_TIMEOUT', ...options });
  }
}
