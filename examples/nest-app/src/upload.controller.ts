import { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { InjectRocketRide, streamBody, type UploadedFile } from '@rocketride-streams/nest';
import { type PipelineResult, RocketRide } from 'rocketride-streams';
import { PipelineService } from './pipeline.service';

@Controller()
export class UploadController {
  constructor(
    @InjectRocketRide() private readonly rocketride: RocketRide,
    private readonly pipeline: PipelineService,
  ) {}

  /** Streams the raw request body (or each file of a form) into the pipeline and answers with the engine's result. */
  @Post('upload')
  @HttpCode(200)
  upload(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): Promise<PipelineResult | UploadedFile[]> {
    return streamBody(this.rocketride, this.pipeline.token, req, res);
  }
}
