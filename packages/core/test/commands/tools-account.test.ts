import { inspect } from 'node:util';
import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ExecutionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const accountRequests = (engine: Engine) => engine.requests().filter((r) => r.command === 'rrext_account_me');

async function publicClient(profile: 'intended' | 'head') {
  const { engine, client: owner } = await h.connected({ profile, env: { ROCKETRIDE_FOO: 'bar' } });
  const task = await owner.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'ACC' });
  const publicToken = engine.tasks().find((t) => t.token === task.token)!.publicToken;
  const pk = h.client(engine, { auth: publicToken });
  await pk.connect();
  return { engine, owner, pk, publicToken };
}

describe('client.account in OSS mode', () => {
  it('getEnv / envKeys / setEnv with an API key', async () => {
    const { client, engine } = await h.connected({ env: { ROCKETRIDE_FOO: 'bar' } });
    expect(await client.account.getEnv()).toEqual({ ROCKETRIDE_FOO: 'bar', ROCKETRIDE_APIKEY: 'K' });
    expect(await client.account.envKeys()).toEqual(['ROCKETRIDE_APIKEY', 'ROCKETRIDE_FOO']);
    await client.account.setEnv({ ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_NEW: 'x', OTHER: 'ignored' });
    expect(await client.account.envKeys()).toEqual(['ROCKETRIDE_APIKEY', 'ROCKETRIDE_NEW']);
    expect(accountRequests(engine).map((r) => r.arguments.subcommand)).toEqual(['get_env', 'env_keys', 'set_env', 'env_keys']);
  });

  it('SaaS-only subcommands fail with ERR_SAAS_ONLY and the engine message', async () => {
    const { client } = await h.connected();
    for (const call of [() => client.account.get(), () => client.account.update({ name: 'x' }), () => client.account.setDefaultTeam('t'), () => client.account.delete()]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutionError);
      expect(error).toMatchObject({ code: 'ERR_SAAS_ONLY', message: 'Account management requires SaaS mode' });
    }
  });

  for (const profile of ['head', 'intended'] as const) {
    it(`a pk_ credential is refused get_env and set_env before anything is sent (${profile})`, async () => {
      const { engine, owner, pk, publicToken } = await publicClient(profile);
      for (const [name, call, verb] of [
        ['get_env', () => pk.account.getEnv(), 'read'],
        ['set_env', () => pk.account.setEnv({ ROCKETRIDE_X: '1' }), 'replace'],
        ['set_env', () => pk.account.me('set_env', { env: {} }), 'replace'],
      ] as const) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthenticationError);
        expect(error).toMatchObject({
          code: 'ERR_PUBLIC_TOKEN_REFUSED',
          message:
            `${name} refused: this client is authenticated with a pk_ public token, which grants task data only; ` +
            `the engine would let it ${verb} the server's ROCKETRIDE_* variables, its API key included (PROTOCOL.md §16.I). ` +
            'Connect with an API key to manage the server environment.',
        });
        expect(inspect(error, { depth: 5 })).not.toContain(publicToken);
      }
      expect(accountRequests(engine)).toEqual([]);
      // The server environment is untouched.
      expect(await owner.account.getEnv()).toEqual({ ROCKETRIDE_FOO: 'bar', ROCKETRIDE_APIKEY: 'K' });
    });
  }

  it('env_keys with pk_ is sent; intended denies it (ERR_ACCOUNT), head answers names only', async () => {
    const intended = await publicClient('intended');
    const error = await intended.pk.account.envKeys().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ACCOUNT', message: "Permission 'task.control' denied" });
    const head = await publicClient('head');
    expect(await head.pk.account.envKeys()).toEqual(['ROCKETRIDE_APIKEY', 'ROCKETRIDE_FOO']);
  });

  for (const [name, call, message] of [
    ['unknown subcommand', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.me('bogus' as never), 'subcommand must be one of get, update, set_default_team, delete, get_env, set_env, env_keys'],
    ['env not an object', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.setEnv(7 as never), 'env must be an object of string values'],
    ['an unknown scope', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.setEnv('x' as never, {}), "setEnv(): scope must be 'user', 'org' or 'team' (got \"x\")"],
    ['a scope id for the user scope', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.getEnv('user', 'u1'), 'getEnv(): the user scope takes no id (got string)'],
    ['an empty org id', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.getEnv('org', ''), 'getEnv(): the org id must be a non-empty string'],
    ['official setEnv with env not an object', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.setEnv('user', null as never), 'env must be an object of string values'],
    ['env with a number', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.setEnv({ ROCKETRIDE_A: 1 } as never), 'env must be an object of string values'],
    ['args not an object', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.account.me('get', [] as never), 'args must be an object'],
  ] as const) {
    it(`${name} → ERR_INVALID_ARGUMENT, nothing sent`, async () => {
      const { client, engine } = await h.connected();
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
      expect(accountRequests(engine)).toEqual([]);
      expect(engine.requests().filter((r) => String(r.command).startsWith('rrext_account_'))).toEqual([]);
    });
  }
});

describe('client.account under the official names and argument orders (issue 13)', () => {
  it('getEnv(scope) / setEnv(scope, env) / getEnvironmentKeys() for the user scope', async () => {
    const { client, engine } = await h.connected({ env: { ROCKETRIDE_FOO: 'bar' } });
    expect(await client.account.getEnv('user')).toEqual({ ROCKETRIDE_FOO: 'bar', ROCKETRIDE_APIKEY: 'K' });
    await client.account.setEnv('user', { ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_OFFICIAL: 'y' });
    expect(await client.account.getEnvironmentKeys()).toEqual(['ROCKETRIDE_APIKEY', 'ROCKETRIDE_OFFICIAL']);
    expect(await client.account.getEnv(undefined as never)).toEqual({ ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_OFFICIAL: 'y' });
    expect(accountRequests(engine).map((r) => r.arguments)).toEqual([
      { subcommand: 'get_env' },
      { subcommand: 'set_env', env: { ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_OFFICIAL: 'y' } },
      { subcommand: 'env_keys' },
      { subcommand: 'get_env' },
    ]);
  });

  it("'org' and 'team' scopes go to rrext_account_org / _teams with their id; OSS answers ERR_SAAS_ONLY", async () => {
    const { client, engine } = await h.connected();
    for (const call of [() => client.account.getEnv('org', 'o1'), () => client.account.setEnv('team', { ROCKETRIDE_A: '1' }, 't1')]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecutionError);
      expect(error).toMatchObject({ code: 'ERR_SAAS_ONLY', message: 'Account management requires SaaS mode' });
    }
    const sent = engine.requests().filter((r) => String(r.command).startsWith('rrext_account_'));
    expect(sent.map((r) => [r.command, r.arguments])).toEqual([
      ['rrext_account_org', { subcommand: 'get_env', orgId: 'o1' }],
      ['rrext_account_teams', { subcommand: 'set_env', teamId: 't1', env: { ROCKETRIDE_A: '1' } }],
    ]);
  });

  it('getProfile / updateProfile / deleteAccount: the SaaS-only subcommands under their official names', async () => {
    const { client, engine } = await h.connected();
    for (const call of [() => client.account.getProfile(), () => client.account.updateProfile({ name: 'x' }), () => client.account.deleteAccount()]) {
      await expect(call()).rejects.toMatchObject({ code: 'ERR_SAAS_ONLY', message: 'Account management requires SaaS mode' });
    }
    expect(accountRequests(engine).map((r) => r.arguments.subcommand)).toEqual(['get', 'update', 'delete']);
  });

  it('a pk_ credential is refused the official forms too, nothing sent', async () => {
    const { engine, pk } = await publicClient('head');
    for (const call of [() => pk.account.getEnv('user'), () => pk.account.setEnv('user', {}), () => pk.account.getEnv('org', 'o1')]) {
      await expect(call()).rejects.toMatchObject({ code: 'ERR_PUBLIC_TOKEN_REFUSED' });
    }
    expect(engine.requests().filter((r) => String(r.command).startsWith('rrext_account_'))).toEqual([]);
  });

  it('onProtocolMessage masks the values of an org or team environment too', async () => {
    const seen: string[] = [];
    const { client } = await h.connected({}, { onProtocolMessage: (m) => seen.push(JSON.stringify(m)) });
    await client.account.setEnv('org', { ROCKETRIDE_SECRET: 'hush' }, 'o1').catch(() => {});
    const sent = seen.filter((line) => line.includes('rrext_account_org'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.join('\n')).not.toContain('hush');
    expect(sent.join('\n')).toContain('"ROCKETRIDE_SECRET":"***"');
  });
});

describe('onProtocolMessage never shows the server environment values', () => {
  it('set_env arguments and get_env answers are masked, names kept', async () => {
    const seen: string[] = [];
    const { client } = await h.connected({ env: { ROCKETRIDE_FOO: 'bar' } }, { onProtocolMessage: (m) => seen.push(JSON.stringify(m)) });
    await client.account.getEnv();
    await client.account.setEnv({ ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_SECRET: 'hush' });
    const account = seen.filter((line) => line.includes('rrext_account_me'));
    expect(account).toHaveLength(4);
    expect(account.join('\n')).not.toMatch(/"K"|"bar"|"hush"/);
    expect(account.join('\n')).toContain('"ROCKETRIDE_SECRET":"***"');
    expect(account.join('\n')).toContain('"ROCKETRIDE_FOO":"***"');
  });
});

describe('getAccountInfo() / getOrgId()', () => {
  it('the session identity while connected, undefined after disconnect', async () => {
    const { client } = await h.connected();
    const info = client.getAccountInfo();
    expect(info?.userId).toBe('local');
    expect(info).toBe(client.getConnectionInfo().connectResult);
    expect(client.getOrgId()).toBe(info?.organizations?.[0]?.id);
    await client.disconnect();
    expect(client.getAccountInfo()).toBeUndefined();
    expect(client.getOrgId()).toBeUndefined();
  });
});
