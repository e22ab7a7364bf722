import type { ExecutionErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A pipeline could not be started, stopped or queried. */
export class ExecutionError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ExecutionError');
  declare readonly code: ExecutionErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<ExecutionErrorCode> = {}) {
    super(message, { code: 'ERR_EXECUTION', ...options });
  }
}
