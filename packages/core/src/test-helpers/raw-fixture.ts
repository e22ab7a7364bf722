import { afterEach } from 'vitest';
import { RocketRideClient } from '../client/client.js';
import type { ClientOptions } from '../config/options.js';
import { type RawHandler, type RawServer, type RawServerOptions, startRawServer } from './raw-server.js';

/** What a test file gets from {@link useRawServers}: raw servers and clients that are closed after each test. */
export interface RawFixture {
  /** Starts a raw server on 127.0.0.1 (see `startRawServer`), closed after the test. */
  start(handler?: RawHandler, options?: RawServerOptions): Promise<RawServer>;
  /** A client, disconnected after the test (before the servers close). */
  client(options?: ClientOptions): RocketRideClient;
}

/**
 * Registers one `afterEach` for the file that runs `beforeClose` (restoring real timers, clearing a ticker…), then
 * disconnects every client made through the fixture during the test, then closes every server it started.
 */
export function useRawServers(beforeClose?: () => void): RawFixture {
  const clients: RocketRideClient[] = [];
  const servers: RawServer[] = [];
  afterEach(async () => {
    beforeClose?.();
    for (const c of clients.splice(0)) await c.disconnect();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    async start(handler, options) {
      const server = await startRawServer(handler, options);
      servers.push(server);
      return server;
    },
    client(options) {
      const c = new RocketRideClient(options);
      clients.push(c);
      return c;
    },
  };
}
