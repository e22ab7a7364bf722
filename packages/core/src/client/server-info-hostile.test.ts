import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, ProtocolError, RocketRideError, TimeoutError } from '../errors/index.js';
import { MAX_ERROR_MESSAGE } from '../errors/rocketride-error.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RawServer } from '../test-helpers/raw-server.js';
import { RocketRideClient } from './client.js';

/**
 * The static `RocketRideClient.getServerInfo(uri)` probe against a hostile server on 127.0.0.1: whatever the server
 * does (never answers, answers garbage, closes at once, sends a huge frame), the probe settles with a coded error,
 * the process sees no uncaught exception or unhandled rejection (the guard), the probe's socket is closed, and the
 * API key of the environment never reaches the server nor the error (the probe sends no `auth`).
 */

guardProcess();
const raw = useRawServers();

const SECRET = 'rr-probe-secret-api-key-4f1c';
const HUGE = 16 * 1024 * 1024;

beforeEach(() => vi.stubEnv('ROCKETRIDE_APIKEY', SECRET));
afterEach(() => vi.unstubAllEnvs());

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** Probes `server`, then checks what every case shares: no auth and no secret sent, no secret shown, socket closed. */
async function probe(server: RawServer, timeout: number): Promise<RocketRideError> {
  const error = (await RocketRideClient.getServerInfo(server.uri, { timeout }).then(
    () => {
      throw new Error('the probe resolved');
    },
    (e: unknown) => e,
  )) as RocketRideError;
  expect(error).toBeInstanceOf(RocketRideError);
  expect(server.received.map((r) => r.command).filter((c) => c !== 'rrext_public_probe')).toEqual([]);
  expect(server.raw.some((m) => m.bytes.includes(SECRET))).toBe(false);
  expect(error.message).not.toContain(SECRET);
  expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
  await until(() => server.sockets.size === 0, 'the probe socket to close');
  return error;
}

const TIMED_OUT = (ms: number) => `Request "rrext_public_probe" timed out after ${ms}ms`;

describe('RocketRideClient.getServerInfo(uri) against a hostile server', () => {
  it('a server that never answers: the timeout error (ERR_TIMEOUT), after the probe was sent', async () => {
    const server = await raw.start(() => {});
    const error = await probe(server, 100);
    expect(error).toBeInstanceOf(TimeoutError);
    expect([error.code, error.message]).toEqual(['ERR_TIMEOUT', TIMED_OUT(100)]);
    expect(server.received.map((r) => r.command)).toEqual(['rrext_public_probe']);
  });

  for (const [name, frame, binary] of [
    ['a text frame that is not JSON', '}{ not json', false],
    ['a binary frame of garbage', Buffer.from([0xff, 0x00, 0x13, 0x37]), true],
  ] as const) {
    it(`${name} is dropped: the probe ends with its timeout error (ERR_TIMEOUT), not a crash`, async () => {
      const server = await raw.start((_req, ctx) => ctx.ws.send(frame, { binary }));
      const error = await probe(server, 200);
      expect(error).toBeInstanceOf(TimeoutError);
      expect([error.code, error.message]).toEqual(['ERR_TIMEOUT', TIMED_OUT(200)]);
    });
  }

  it('a truncated response to the probe fails it at once with ERR_FRAME_NOT_JSON (it names the request it answers)', async () => {
    const server = await raw.start((req, ctx) =>
      ctx.ws.send(`{"type":"response","seq":1,"request_seq":${req.seq},"command":"rrext_public_probe","success":true,"body":{`),
    );
    const error = await probe(server, 5_000);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_FRAME_NOT_JSON');
  });

  it('a server that drops the connection as it opens: ERR_CONNECTION_LOST', async () => {
    const server = await raw.start(undefined, { onConnection: (ws) => ws.terminate() });
    const error = await probe(server, 1_000);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_CONNECTION_LOST');
    // Which socket the drop hits first (the attach's, or the probe's own) decides the wording.
    expect(['Connection closed unexpectedly (code 1006)', 'Connection closed during the server probe']).toContain(error.message);
  });

  it('a server that closes the connection cleanly as it opens: ERR_CONNECTION_LOST', async () => {
    const server = await raw.start(undefined, { onConnection: (ws) => ws.close(1008, 'go away') });
    const error = await probe(server, 1_000);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_CONNECTION_LOST');
    expect(['Connection closed during the server probe', 'go away']).toContain(error.message);
  });

  it('a server that closes the connection on the probe: ERR_CONNECTION_LOST', async () => {
    const server = await raw.start((_req, ctx) => ctx.ws.close(1000));
    const error = await probe(server, 1_000);
    expect(error).toBeInstanceOf(ConnectionError);
    expect([error.code, error.message]).toEqual(['ERR_CONNECTION_LOST', 'Connection closed normally']);
  });

  it('a huge (16 MiB) frame that is not JSON is dropped: the probe ends with its timeout error (ERR_TIMEOUT)', async () => {
    const server = await raw.start((_req, ctx) => ctx.ws.send('x'.repeat(HUGE)));
    const error = await probe(server, 500);
    expect(error).toBeInstanceOf(TimeoutError);
    expect([error.code, error.message]).toEqual(['ERR_TIMEOUT', TIMED_OUT(500)]);
  });

  it('a huge (16 MiB) failure message: ERR_SERVER_INFO whose message is cut to MAX_ERROR_MESSAGE characters, serverMessage whole', async () => {
    const message = 'y'.repeat(HUGE);
    const server = await raw.start((req, ctx) => {
      ctx.ws.send(`{"type":"response","seq":1,"request_seq":${req.seq},"command":"rrext_public_probe","success":false,"message":"${message}"}`);
    });
    const error = await probe(server, 5_000);
    expect(error.code).toBe('ERR_SERVER_INFO');
    expect(error.message).toBe(`${'y'.repeat(MAX_ERROR_MESSAGE)}… [message cut: ${HUGE} characters in all]`);
    expect(error.stack!.length).toBeLessThan(MAX_ERROR_MESSAGE * 2);
    expect(error.serverMessage).toBe(message);
  });
});
