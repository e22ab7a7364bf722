import type { DAPMessage } from '../codec/types.js';
import { type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from './client.js';

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
afterEach(async () => {
  await client?.disconnect();
  await engine?.close();
  client = undefined;
  engine = undefined;
});

const KEY = 'secret-api-key-4242';

describe('onProtocolMessage never sees the credential', () => {
  it('an auth sent through request() (a re-auth) is redacted too', async () => {
    engine = await startEngine({ apiKey: KEY });
    const seen: DAPMessage[] = [];
    client = new RocketRideClient({ uri: engine.uri, auth: KEY, env: {}, onProtocolMessage: (m) => seen.push(m) });
    await client.connect();
    const reply = await client.request('auth', { auth: KEY });
    expect(reply.success).toBe(true);
    expect(seen.filter((m) => m.type === 'request' && m.command === 'auth')).toHaveLength(2);
    expect(JSON.stringify(seen)).not.toContain(KEY);
  });
});
