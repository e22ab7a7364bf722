import { IncomingMessage } from 'node:http';
import { Controller, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { InjectRocketRide } from '@rocketride-streams/nest';
import { type PipelineResult, RocketRide } from 'rocketride-streams';
import { PipelineService } from './pipeline.service';
import { streamBody } from './stream-body';

@Controller()
export class UploadController {
  constructor(
    @InjectRocketRide() private readonly rocketride: RocketRide,
    private readonly pipeline: PipelineService,
  ) {}

  /**
   * Streams the raw request body into the pipeline (never buffered: the app is created with
   * `bodyParser: false`) and answers with the engine's result. The MIME type (`Content-Type`)
   * selects the engine lane; the object is named by `X-File-Name` or `?name=`.
   */
  @Post('upload')
  @HttpCode(200)
  upload(
    @Req() req: IncomingMessage,
    @Headers('content-type') contentType?: string,
    @Headers('content-length') contentLength?: string,
    @Headers('x-file-name') fileName?: string,
    @Query('name') queryName?: string,
  ): Promise<PipelineResult> {
    const sink = this.rocketride.pipe(this.pipeline.token, {
      name: fileName ? decodeURIComponent(fileName) : queryName,
      mimeType: contentType?.split(';')[0]?.trim() || undefined,
      size: contentLength ? Number(contentLength) : undefined,
    });
    return streamBody(req, sink);
  }
}
