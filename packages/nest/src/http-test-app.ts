import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, HttpCode, Inject, Module, Param, Post, Req, Res } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { Engine, RocketRide } from 'rocketride-streams';
import { InjectRocketRide, ROCKETRIDE_CLIENT, RocketRideErrorFilter, RocketRideModule, streamBody } from './index.js';

/** Largest body the test application's `POST /upload` accepts. */
export const LIMIT = 64 * 1024;

/** The echo pipeline: webhook source → response node collecting the text lane. */
const ECHO = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

const TASK = Symbol('TASK');
interface TaskRef {
  token: string;
}

/** The routes the tests call: uploads through `streamBody`, a task status, and a plain bug. */
@Controller()
class TestController {
  constructor(
    @InjectRocketRide() private readonly rocketride: RocketRide,
    @Inject(TASK) private readonly task: TaskRef,
  ) {}

  @Post('upload')
  @HttpCode(200)
  upload(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse) {
    return streamBody(this.rocketride, this.task.token, req, res, { limit: LIMIT });
  }

  @Post('tasks/:token/upload')
  @HttpCode(200)
  uploadTo(@Param('token') token: string, @Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse) {
    return streamBody(this.rocketride, token, req, res);
  }

  @Get('status')
  status() {
    return this.rocketride.getTaskStatus(this.task.token, { timeout: 500 });
  }

  @Get('bug')
  bug(): never {
    throw new Error('a bug in the application');
  }
}

export interface HttpTestApp {
  /** The application, typed from the NestFactory in use (Nest 10 or 11, see examples/nest10-app). */
  app: Awaited<ReturnType<typeof NestFactory.create>>;
  /** `http://127.0.0.1:<port>` */
  url: string;
  rocketride: RocketRide;
  engine: Engine;
  token: string;
}

/**
 * A Nest application on Express, listening on 127.0.0.1 (random port), with the embedded simulator
 * running the echo pipeline and `RocketRideErrorFilter` registered as `APP_FILTER`.
 */
export async function startHttpApp(options: { bodyParser?: boolean } = {}): Promise<HttpTestApp> {
  const task: TaskRef = { token: '' };
  @Module({
    imports: [RocketRideModule.forRoot({ embedded: true, env: {} })],
    controllers: [TestController],
    providers: [{ provide: TASK, useValue: task }, { provide: APP_FILTER, useClass: RocketRideErrorFilter }],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false, bodyParser: options.bodyParser ?? false, forceCloseConnections: true });
  try {
    const rocketride = app.get<RocketRide>(ROCKETRIDE_CLIENT);
    if (!rocketride.engine) throw new Error('expected the embedded simulator');
    task.token = (await rocketride.use({ pipeline: ECHO })).token;
    await app.listen(0, '127.0.0.1');
    return { app, url: await app.getUrl(), rocketride, engine: rocketride.engine, token: task.token };
  } catch (error) {
    await app.close();
    throw error;
  }
}
