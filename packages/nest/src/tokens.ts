/**
 * Injection token of the connected `RocketRide` client. A registered symbol (`Symbol.for`), so the ES
 * module and CommonJS builds of this package agree on it.
 */
export const ROCKETRIDE_CLIENT: unique symbol = Symbol.for('rocketride-streams/nest:client');

/** Injection token of the options given to `RocketRideModule.forRoot` / `forRootAsync`. */
export const ROCKETRIDE_MODULE_OPTIONS: unique symbol = Symbol.for('rocketride-streams/nest:options');
