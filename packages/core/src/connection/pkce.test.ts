// The official SDK keeps the engine's `userToken` as the credential for reconnects; for a PKCE login that is what
// makes a reconnect possible at all (a code can be exchanged once). A SaaS engine answers with an `rr_` token, which
// the simulator (OSS only) cannot produce, so a raw server on 127.0.0.1 plays that engine here.
import { describe, expect, it } from 'vitest';
import type { RocketRideClient } from '../client/client.js';
import type { RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import { encodePkceCredential } from './pkce.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;
const raw = useRawServers();

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('a PKCE login', () => {
  it('reconnects with the userToken the engine returned, not with the code', async () => {
    const pkce = { code: 'one-time-code', verifier: 'the-verifier', redirectUri: 'http://127.0.0.1/cb' };
    server = await raw.start((request, ctx) => {
      if (request.command !== 'auth') return ctx.fail(`Invalid command: ${request.command}`);
      const auth = String(request.arguments?.auth);
      if (auth === encodePkceCredential(pkce)) return ctx.reply({ userToken: 'rr_session_1', userId: 'u1' });
      if (auth === 'rr_session_1') return ctx.reply({ userToken: 'rr_session_1', userId: 'u1' });
      return ctx.fail('Invalid authorization provided');
    });
    client = raw.client({ uri: server.uri, env: {}, persist: true, reconnectDelay: 5, maxReconnectDelay: 20 });
    const first = await client.connect(pkce);
    // connect() with the same code again is the current session: nothing is sent.
    expect(await client.connect(pkce)).toBe(first);
    for (const ws of server.sockets) ws.terminate();
    await until(() => client!.generation === 2, 'the reconnect');
    const sent = server.received.filter((r) => r.command === 'auth').map((r) => r.arguments?.auth);
    expect(sent).toEqual([encodePkceCredential(pkce), 'rr_session_1']);
  });
});
