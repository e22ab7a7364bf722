import { join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRocketRide } from '@rocketride-streams/nest';
import { RocketRide } from 'rocketride-streams';

/** Starts (or joins) the echo pipeline once the client is connected, and holds its task token. */
@Injectable()
export class PipelineService implements OnModuleInit {
  private taskToken: string | undefined;

  constructor(@InjectRocketRide() private readonly rocketride: RocketRide) {}

  async onModuleInit(): Promise<void> {
    const task = await this.rocketride.use({ filepath: join(__dirname, '..', 'echo.json'), useExisting: true });
    this.taskToken = task.token;
  }

  get token(): string {
    if (this.taskToken === undefined) throw new Error('The pipeline has not started yet');
    return this.taskToken;
  }
}
