import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** The connection to the engine failed or was lost. */
export class ConnectionError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.ConnectionError');

  constructor(message: string, options: RocketRideErrorOptions = {}) {
    super(message, { code: 'ERR_CONNECTION', ...options });
  }
}
