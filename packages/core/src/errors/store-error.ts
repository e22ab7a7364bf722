import type { StoreErrorCode } from './codes.js';
import { RocketRideError, type RocketRideErrorOptions } from './rocketride-error.js';

/** Options of a {@link StoreError}: those of every error, plus the store path concerned. */
export interface StoreErrorOptions extends RocketRideErrorOptions<StoreErrorCode> {
  /** The store path the failed operation was about, as the client sent it. */
  path?: string;
}

/**
 * A file store operation (`rrext_store`) failed on the engine. The `code` says why
 * (`ERR_STORE_NOT_FOUND`, `ERR_STORE_LOCKED`, `ERR_STORE_EXISTS`, `ERR_STORE_HANDLES`, …); `serverMessage` keeps
 * the engine's own text verbatim, while `message` has the engine's storage key prefix and absolute paths taken out.
 */
export class StoreError extends RocketRideError {
  static override readonly brand: symbol = Symbol.for('rocketride-streams.StoreError');
  declare readonly code: StoreErrorCode;
  readonly path?: string;

  constructor(message: string, options: StoreErrorOptions = {}) {
    super(message, { code: 'ERR_STORE_FAILED', ...options });
    if (options.path !== undefined) this.path = options.path;
  }
}
