import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A request got no response within its timeout. */
export class TimeoutError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.TimeoutError');

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(message, { code: 'ERR_TIMEOUT', ...options });
  }
}
