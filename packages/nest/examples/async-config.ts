import { Injectable, Module } from '@nestjs/common';
import { RocketRideModule } from '@rocketride-streams/nest';

/** Your settings, loaded however your application loads them (here: from the environment). */
@Injectable()
export class Settings {
  readonly engineUri = process.env.ENGINE_URI;
  readonly engineKey = process.env.ENGINE_KEY;
}

@Module({ providers: [Settings], exports: [Settings] })
export class SettingsModule {}

@Module({
  imports: [
    RocketRideModule.forRootAsync({
      isGlobal: true,
      imports: [SettingsModule],
      inject: [Settings],
      // Without an engine URI, the simulator runs in-process (for development and tests).
      useFactory: (settings: Settings) => ({ uri: settings.engineUri, auth: settings.engineKey, embedded: true }),
    }),
  ],
})
export class AppModule {}
