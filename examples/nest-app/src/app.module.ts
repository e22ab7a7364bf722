import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { RocketRideErrorFilter, RocketRideModule } from '@rocketride-streams/nest';
import { EventsController } from './events.controller';
import { PipelineService } from './pipeline.service';
import { UploadController } from './upload.controller';

@Module({
  imports: [
    // ROCKETRIDE_URI / ROCKETRIDE_APIKEY select an engine; without them the simulator runs in-process.
    RocketRideModule.forRoot({ embedded: true, isGlobal: true }),
  ],
  controllers: [UploadController, EventsController],
  providers: [PipelineService, { provide: APP_FILTER, useClass: RocketRideErrorFilter }],
})
export class AppModule {}
