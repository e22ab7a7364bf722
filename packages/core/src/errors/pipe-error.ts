import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A data pipe (rrext_process open/write/close) failed. */
export class PipeError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.PipeError');

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(message, { code: 'ERR_PIPE', ...options });
  }
}
