import { Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { connect, type RocketRide } from 'rocketride-streams';
import { ConfigurableModuleClass } from './module-definition.js';
import type { RocketRideModuleOptions } from './options.js';
import { ROCKETRIDE_CLIENT, ROCKETRIDE_MODULE_OPTIONS } from './tokens.js';

/** Connects while the application initialises: Nest awaits the factory before any module init hook. */
const clientProvider: Provider = {
  provide: ROCKETRIDE_CLIENT,
  useFactory: (options: RocketRideModuleOptions) => connect(options),
  inject: [ROCKETRIDE_MODULE_OPTIONS],
};

/**
 * Provides a connected `RocketRide` client (inject it with `@InjectRocketRide()` or the
 * `ROCKETRIDE_CLIENT` token) and disconnects it when the application shuts down, stopping the
 * embedded simulator if it started one.
 *
 * The disconnect runs in `onApplicationShutdown`, the last shutdown phase: every provider's
 * `onModuleDestroy` and `beforeApplicationShutdown` hooks (and requests the HTTP server is still
 * finishing) can use the client until then.
 */
@Module({ providers: [clientProvider], exports: [ROCKETRIDE_CLIENT] })
export class RocketRideModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(ROCKETRIDE_CLIENT) private readonly client: RocketRide) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.disconnect();
  }
}
