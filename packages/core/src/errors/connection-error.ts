import type { ConnectionErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** The connection to the engine failed or was lost. */
export class ConnectionError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ConnectionError');
  declare readonly code: ConnectionErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<ConnectionErrorCode> = {}) {
    super(message, { code: 'ERR_CONNECTION', ...options });
  }
}
