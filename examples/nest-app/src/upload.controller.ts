import { IncomingMessage } from 'node:http';
import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { InjectRocketRide } from '@rocketride-streams/nest';
import { type PipelineResult, RocketRide } from 'rocketride-streams';
import { PipelineService } from './pipeline.service';
import { pipeOptionsFor, streamBody } from './request-body';

@Controller()
export class UploadController {
  constructor(
    @InjectRocketRide() private readonly rocketride: RocketRide,
    private readonly pipeline: PipelineService,
  ) {}

  /** Streams the raw request body into the pipeline and answers with the engine's result. */
  @Post('upload')
  @HttpCode(200)
  upload(@Req() req: IncomingMessage): Promise<PipelineResult> {
    const sink = this.rocketride.pipe(this.pipeline.token, pipeOptionsFor(req));
    return streamBody(req, sink);
  }
}
