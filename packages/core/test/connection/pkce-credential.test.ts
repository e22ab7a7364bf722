// connect()/login() with a PKCE `{ code, verifier, redirectUri }` credential (issue 13, "Login and sessions").
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const PKCE = { code: 'auth-code-1', verifier: 'verifier-1', redirectUri: 'http://127.0.0.1:4000/callback' };
const decode = (credential: unknown) => JSON.parse(Buffer.from(String(credential).slice(3), 'base64').toString('utf8')) as unknown;
const auths = (engine: { requests(): { command: unknown; arguments: Record<string, unknown> }[] }) =>
  engine.requests().filter((r) => r.command === 'auth').map((r) => r.arguments.auth);

describe('a PKCE credential', () => {
  it('connect() sends it as cd_ + base64 of the JSON {code, verifier, redirectUri}', async () => {
    // OSS mode without an API key accepts any non-empty credential (PROTOCOL.md §1.3); only SaaS exchanges the code.
    const engine = await h.engine({ apiKey: undefined });
    const client = h.client(engine, { auth: undefined });
    const result = await client.connect(PKCE);
    const [sent] = auths(engine);
    expect(String(sent)).toMatch(/^cd_[A-Za-z0-9+/]+=*$/);
    expect(decode(sent)).toEqual(PKCE);
    expect(Object.keys(decode(sent) as object)).toEqual(['code', 'verifier', 'redirectUri']);
    // The engine's userToken (in OSS: the credential itself) is the session's: connecting again with it sends nothing.
    expect(result.userToken).toBe(sent);
    expect(await client.connect(PKCE)).toBe(result);
    expect(await client.connect()).toBe(result);
    expect(auths(engine)).toHaveLength(1);
  });

  it('login() sends it on a logged-out socket; non-ASCII parts are encoded as UTF-8', async () => {
    const engine = await h.engine({ apiKey: undefined });
    const client = h.client(engine, { auth: 'first' });
    await client.connect();
    await client.logout();
    const pkce = { ...PKCE, code: 'ç-ø-✓' };
    await client.login(pkce);
    expect(client.isConnected()).toBe(true);
    expect(engine.requests().map((r) => r.command)).toEqual(['auth', 'deauth', 'auth']);
    expect(decode(auths(engine)[1])).toEqual(pkce);
  });

  it('an engine with an API key refuses it like any other credential (Invalid API key)', async () => {
    const engine = await h.engine({ apiKey: 'K' });
    const client = h.client(engine, { auth: undefined });
    const error = await client.connect(PKCE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'ERR_AUTHENTICATION', message: 'Invalid API key' });
  });

  for (const [name, credential, message] of [
    ['a number', 42, 'credential must be a string or { code, verifier, redirectUri } (got 42)'],
    ['null', null, 'credential must be a string or { code, verifier, redirectUri } (got null)'],
    ['an array', ['a'], 'credential must be a string or { code, verifier, redirectUri } (got an array)'],
    ['no code', { verifier: 'v', redirectUri: 'r' }, 'a PKCE credential needs code as a non-empty string (missing)'],
    ['an empty verifier', { code: 'c', verifier: '', redirectUri: 'r' }, 'a PKCE credential needs verifier as a non-empty string (got an empty string)'],
    ['a blank verifier', { code: 'c', verifier: '  ', redirectUri: 'r' }, 'a PKCE credential needs verifier as a non-empty string (got a string)'],
    ['a redirectUri that is a number', { code: 'c', verifier: 'v', redirectUri: 5 }, 'a PKCE credential needs redirectUri as a non-empty string (got 5)'],
  ] as const) {
    for (const method of ['connect', 'login'] as const) {
      it(`${method}() with ${name} → ERR_INVALID_ARGUMENT, nothing sent`, async () => {
        const engine = await h.engine({ apiKey: undefined });
        const client = h.client(engine, { auth: 'configured' });
        const error = await client[method](credential as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: `${method}(): ${message}` });
        expect(engine.requests()).toEqual([]);
        expect(engine.connectionCount()).toBe(0);
        // The configured credential is untouched.
        await client.connect();
        expect(auths(engine)).toEqual(['configured']);
      });
    }
  }
});
