export { RocketRideModule } from './rocketride.module.js';
export { InjectRocketRide } from './inject.js';
export { ROCKETRIDE_CLIENT, ROCKETRIDE_MODULE_OPTIONS } from './tokens.js';
export type { RocketRideModuleExtras, RocketRideModuleOptions } from './options.js';
export type { RocketRideModuleAsyncOptions, RocketRideModuleRootOptions } from './module-definition.js';
