import { Logger } from '@nestjs/common';
import { createApp } from './app';

async function main(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
  new Logger('main').log(`Listening on ${await app.getUrl()}: POST /upload, GET /events`);
}

void main();
