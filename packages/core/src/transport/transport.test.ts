import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '../client/client.js';
import { AuthenticationError, ConnectionError, TimeoutError } from '../errors/index.js';
import { type RawServer, startRawServer } from '../test-helpers/raw-server.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

afterEach(async () => {
  await client?.disconnect();
  await server?.close();
  client = undefined;
  server = undefined;
});

describe('transport against a raw server', () => {
  it('authenticates first, then pings', async () => {
    server = await startRawServer();
    client = new RocketRideClient({ uri: server.uri, auth: 'K', env: {} });
    const result = await client.connect();
    expect(result.userToken).toBe('K');
    await client.ping();
    expect(server.received.map((r) => r.command)).toEqual(['auth', 'rrext_ping']);
    expect(server.received[0]!.seq).toBe(1);
    expect(server.received[1]!.seq).toBe(2);
  });

  it('times out when auth is never answered, and closes the socket', async () => {
    server = await startRawServer(() => {});
    client = new RocketRideClient({ uri: server.uri, auth: 'K', env: {}, connectTimeout: 200 });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(client.isConnected()).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sockets.size).toBe(0);
  });

  it('rejects an auth failure with AuthenticationError', async () => {
    server = await startRawServer((req, ctx) => ctx.fail('Invalid API key'));
    client = new RocketRideClient({ uri: server.uri, auth: 'K', env: {}, persist: true });
    const error = (await client.connect().catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_AUTHENTICATION');
    expect(error.serverMessage).toBe('Invalid API key');
  });
});
