import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** The operation was aborted through its AbortSignal. */
export class AbortError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.AbortError');

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(message, { code: 'ERR_ABORTED', ...options });
  }
}
