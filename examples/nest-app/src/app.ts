import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

/** Creates the application (not listening yet); `options` are added to Nest's application options. */
export function createApp(options: NestApplicationOptions = {}): Promise<INestApplication> {
  return NestFactory.create(AppModule, {
    // Uploads are streamed from the raw request: no body parser may read it first.
    bodyParser: false,
    // Open event streams would otherwise keep app.close() waiting.
    forceCloseConnections: true,
    ...options,
  });
}
