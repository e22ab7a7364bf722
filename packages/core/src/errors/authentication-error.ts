import type { AuthenticationErrorCode } from './codes.js';
import { ConnectionError } from './connection-error.js';
import type { RocketRideErrorOptions } from './rocketride-error.js';

/** The engine rejected the credential. Never retried, also not in persist mode. */
export class AuthenticationError extends ConnectionError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.AuthenticationError');
  declare readonly code: AuthenticationErrorCode;

  constructor(message: string, options: RocketRideErrorOptions<AuthenticationErrorCode> = {}) {
    super(message, { code: 'ERR_AUTHENTICATION', ...options });
  }
}
