import type { PipeErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A data pipe (rrext_process open/write/close) failed. */
export class PipeError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.PipeError');
  declare readonly code: PipeErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<PipeErrorCode> = {}) {
    super(message, { code: 'ERR_PIPE', ...options });
  }
}
