import { Controller, Get, Module } from '@nestjs/common';
import { InjectRocketRide, RocketRideModule } from '@rocketride-streams/nest';
import type { RocketRide } from 'rocketride-streams';

@Controller()
export class EngineController {
  constructor(@InjectRocketRide() private readonly rocketride: RocketRide) {}

  /** Asks the engine for a ping and says whether the client is connected. */
  @Get('engine')
  async engine(): Promise<{ connected: boolean; embedded: boolean }> {
    await this.rocketride.ping();
    return { connected: this.rocketride.isConnected(), embedded: this.rocketride.engine !== undefined };
  }
}

/** The configured engine (ROCKETRIDE_URI / ROCKETRIDE_APIKEY), else the simulator in-process. */
@Module({
  imports: [RocketRideModule.forRoot({ embedded: true, isGlobal: true })],
  controllers: [EngineController],
})
export class AppModule {}
