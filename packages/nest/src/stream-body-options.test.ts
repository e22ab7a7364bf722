import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { ECHO_PIPELINE, startEngine } from '@rocketride-streams/testing';
import { RocketRide, ValidationError } from 'rocketride-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamBody } from './index.js';

// Careless callers of streamBody(): options that are not an object, or that cannot be read, are refused with a
// coded ValidationError before the body is read or anything reaches the engine.
let engine: Awaited<ReturnType<typeof startEngine>>;
let client: RocketRide;
let token: string;

beforeAll(async () => {
  engine = await startEngine({ apiKey: 'k' });
  client = new RocketRide({ uri: engine.uri, auth: 'k', env: {} });
  await client.connect();
  ({ token } = await client.use({ pipeline: ECHO_PIPELINE }));
});
afterAll(async () => {
  await client.disconnect();
  await engine.close();
});

function request(): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from('x')]), { headers: { 'content-type': 'text/plain', 'content-length': '1' }, method: 'POST', url: '/u' }) as never;
}

const unreadable = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });

describe('streamBody() refuses options it cannot use, before anything is sent', () => {
  for (const [label, options, message] of [
    ['42', 42, 'streamBody(): options must be an object (got 42)'],
    ['null', null, 'streamBody(): options must be an object (got null)'],
    ["'x'", 'x', 'streamBody(): options must be an object (got a string)'],
    ['a Proxy whose traps throw', unreadable, 'streamBody(): options could not be read (a getter or Proxy trap threw)'],
  ] as const) {
    it(`options ${label}: ERR_INVALID_ARGUMENT, nothing sent`, async () => {
      const before = engine.requests().length;
      const error = await streamBody(client, token, request(), {} as ServerResponse, options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
      expect(engine.requests().length).toBe(before);
    });
  }
});
