export { RocketRideModule } from './rocketride.module.js';
export { InjectRocketRide } from './inject.js';
export { ROCKETRIDE_CLIENT, ROCKETRIDE_MODULE_OPTIONS } from './tokens.js';
export { answerError, RocketRideErrorFilter, type RocketRideErrorResponse } from './error-filter.js';
export { streamBody, type StreamBodyOptions } from './stream-body.js';
export type { UploadedFile } from '@rocketride-streams/express';
export type { RocketRideModuleExtras, RocketRideModuleOptions } from './options.js';
export type { RocketRideModuleAsyncOptions, RocketRideModuleRootOptions } from './module-definition.js';
