/**
 * PROTOCOL.md §16.L cases 33–34, and 36 (HEAD⚠, not automatable against a real server, reproduced here): account and
 * app commands in OSS mode (§16.I). HEAD lets a `pk_` public token read and replace the server API key; `intended`
 * refuses it.
 */
import { describe, expect, it } from 'vitest';
import { KEY, PROFILES, echoPipeline, execute, useEngine } from './helpers/env.js';

const ACCOUNT = 'Account management requires SaaS mode';
const APPS = 'App marketplace requires SaaS mode';

describe.each(PROFILES)('account and apps in OSS mode (%s)', (profile) => {
  const ctx = useEngine({ profile, env: { ROCKETRIDE_CONF: 'one', ROCKETRIDE_A_FIRST: 'two', OTHER_VAR: 'x' } });

  it('§16.33 every SaaS subcommand and command is refused with the OSS message', async () => {
    const c = await ctx.authed();
    const cases: [string, Record<string, unknown>, string][] = [
      ['rrext_account_me', { subcommand: 'get' }, ACCOUNT],
      ['rrext_account_me', { subcommand: 'update' }, ACCOUNT],
      ['rrext_account_me', { subcommand: 'set_default_team' }, ACCOUNT],
      ['rrext_account_me', {}, ACCOUNT],
      ['rrext_account_keys', { subcommand: 'list' }, ACCOUNT],
      ['rrext_account_org', { subcommand: 'get' }, ACCOUNT],
      ['rrext_account_org', { subcommand: 'get_env' }, ACCOUNT],
      ['rrext_account_members', { subcommand: 'list' }, ACCOUNT],
      ['rrext_account_teams', { subcommand: 'list' }, ACCOUNT],
      ['rrext_account_teams', { subcommand: 'get_env' }, ACCOUNT],
      ['rrext_account_billing', { subcommand: 'credits_balance' }, ACCOUNT],
      ['rrext_app_catalog', {}, APPS],
      ['rrext_app_developer', {}, APPS],
    ];
    for (const [command, args, message] of cases) {
      expect(await c.request(command, args), `${command} ${JSON.stringify(args)}`).toMatchObject({ command, success: false, message });
    }
  });

  it('§16.34 get_env returns the server ROCKETRIDE_* variables (its API key included); env_keys their sorted names', async () => {
    const c = await ctx.authed();
    const env = await c.request('rrext_account_me', { subcommand: 'get_env' });
    expect(Object.keys(env.body)).toEqual(['env']);
    expect(env.body.env).toEqual({ ROCKETRIDE_CONF: 'one', ROCKETRIDE_A_FIRST: 'two', ROCKETRIDE_APIKEY: KEY });
    for (const [k, v] of Object.entries(env.body.env)) {
      expect(k.startsWith('ROCKETRIDE_')).toBe(true);
      expect(typeof v).toBe('string');
    }
    const keys = await c.request('rrext_account_me', { subcommand: 'env_keys' });
    expect(keys.body).toEqual({ keys: ['ROCKETRIDE_APIKEY', 'ROCKETRIDE_A_FIRST', 'ROCKETRIDE_CONF'] });
  });

  it('set_env replaces the whole ROCKETRIDE_* set; removing ROCKETRIDE_APIKEY lets any credential in', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_account_me', { subcommand: 'set_env', env: { ROCKETRIDE_NEW: 'n', NOT_OURS: 'x' } });
    expect(res).toMatchObject({ success: true, body: { updated: true } });
    expect((await c.request('rrext_account_me', { subcommand: 'get_env' })).body).toEqual({ env: { ROCKETRIDE_NEW: 'n' } });
    const stranger = await ctx.connect();
    expect((await stranger.request('auth', { auth: 'anything-at-all' })).success).toBe(true);
    // The new set feeds placeholders of the next execute.
    const task = await execute(c, { token: 'ENV', pipeline: { ...echoPipeline(), name: '${ROCKETRIDE_NEW}' } });
    expect(ctx.engine.tasks().find((t) => t.token === task.token)!.enginePipeline.name).toBe('n');
  });

  it('§16.36 a pk_ public token: HEAD⚠ reads and replaces the API key; intended refuses with task.control denied', async () => {
    const c = await ctx.authed();
    const task = await execute(c, {});
    const pk = await ctx.authed(task.publicToken);
    const read = await pk.request('rrext_account_me', { subcommand: 'get_env' });
    const keys = await pk.request('rrext_account_me', { subcommand: 'env_keys' });
    const write = await pk.request('rrext_account_me', { subcommand: 'set_env', env: { ROCKETRIDE_CONF_PROBE: 'x' } });
    const stranger = await ctx.connect();
    const auth = await stranger.request('auth', { auth: 'not-the-key' });
    if (profile === 'head') {
      expect(read.body.env.ROCKETRIDE_APIKEY).toBe(KEY);
      expect(keys.body.keys).toContain('ROCKETRIDE_APIKEY');
      expect(write).toMatchObject({ success: true, body: { updated: true } });
      expect(auth.success).toBe(true);
    } else {
      for (const res of [read, keys, write]) expect(res).toMatchObject({ success: false, message: "Permission 'task.control' denied" });
      expect(auth).toMatchObject({ success: false, message: 'Invalid API key' });
      expect((await c.request('rrext_account_me', { subcommand: 'get_env' })).body.env.ROCKETRIDE_APIKEY).toBe(KEY);
    }
  });
});
