import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A pipeline could not be started, stopped or queried. */
export class ExecutionError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ExecutionError');

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(message, { code: 'ERR_EXECUTION', ...options });
  }
}
