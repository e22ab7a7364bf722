import { connect as netConnect } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** Creates an application context without Nest's logger, failing (instead of aborting) on init errors. */
export function createContext(module: unknown): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(module as never, { logger: false, abortOnError: false });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
