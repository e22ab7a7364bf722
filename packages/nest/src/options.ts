import type { ConnectOptions } from 'rocketride-streams';

/**
 * Options of `RocketRideModule.forRoot()` (or what the `forRootAsync()` factory returns): everything
 * `connect()` of `rocketride-streams` accepts, except `signal`.
 *
 * - `uri`, `auth`, `env` … select and authenticate the engine; by default `ROCKETRIDE_URI` and
 *   `ROCKETRIDE_APIKEY` from the environment (and `.env`) are used.
 * - `embedded: true` starts the engine simulator in this process when no engine is configured (no `uri`
 *   and no `ROCKETRIDE_URI`); it is stopped with the application. Default false.
 */
export type RocketRideModuleOptions = Omit<ConnectOptions, 'signal'>;

/** Options of the module itself, given next to the client options (never passed to `connect()`). */
export interface RocketRideModuleExtras {
  /** Register the module globally, so every module can inject the client without importing it. Default false. */
  isGlobal?: boolean;
}
