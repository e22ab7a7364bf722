import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RocketRideModuleExtras, RocketRideModuleOptions } from './options.js';
import { ROCKETRIDE_MODULE_OPTIONS } from './tokens.js';

/** The `forRoot` / `forRootAsync` methods, built by Nest's configurable module builder. */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<RocketRideModuleOptions>({
  optionsInjectionToken: ROCKETRIDE_MODULE_OPTIONS,
  moduleName: 'RocketRide',
})
  .setClassMethodName('forRoot')
  .setExtras<RocketRideModuleExtras>({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal === true }))
  .build();

/** What `RocketRideModule.forRoot()` takes: the client options plus `isGlobal`. */
export type RocketRideModuleRootOptions = typeof OPTIONS_TYPE;

/** What `RocketRideModule.forRootAsync()` takes: `useFactory` + `inject` + `imports` (or `useClass` / `useExisting`), plus `isGlobal`. */
export type RocketRideModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
