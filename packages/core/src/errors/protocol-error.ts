import type { ProtocolErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** A frame that does not follow the wire protocol (malformed JSON, wrong field types). */
export class ProtocolError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ProtocolError');
  declare readonly code: ProtocolErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<ProtocolErrorCode> = {}) {
    super(message, { code: 'ERR_PROTOCOL', ...options });
  }
}
