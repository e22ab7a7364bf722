import type { DAPMessage } from '../../src/codec/types.js';
import { describe, expect, it } from 'vitest';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

const KEY = 'secret-api-key-4242';

describe('onProtocolMessage never sees the credential', () => {
  it('an auth sent through request() (a re-auth) is redacted too', async () => {
    const engine = await h.engine({ apiKey: KEY });
    const seen: DAPMessage[] = [];
    const client = h.client(engine, { auth: KEY, onProtocolMessage: (m) => seen.push(m) });
    await client.connect();
    const reply = await client.request('auth', { auth: KEY });
    expect(reply.success).toBe(true);
    expect(seen.filter((m) => m.type === 'request' && m.command === 'auth')).toHaveLength(2);
    expect(JSON.stringify(seen)).not.toContain(KEY);
  });
});
