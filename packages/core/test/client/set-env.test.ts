// client.setEnv(env) (issue 13): the official SDK's client-level env, which use() substitutes and forwards.
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

describe('client.setEnv(env)', () => {
  it('replaces the env that the next use() substitutes and sends with execute', async () => {
    const { client, engine } = await h.connected({}, { env: { ROCKETRIDE_TEAM: 'old' } });
    const pipeline = { ...ECHO_PIPELINE, description: 'team ${ROCKETRIDE_TEAM}' };
    await client.use({ pipeline, token: 'T1' });
    client.setEnv({ ROCKETRIDE_TEAM: 'new', ROCKETRIDE_APIKEY: 'hidden-key', OTHER: 'x' });
    expect(client.env.ROCKETRIDE_TEAM).toBe('new');
    expect(Object.keys(client.env)).toEqual(['ROCKETRIDE_TEAM', 'OTHER']);
    expect(inspect(client.env, { showHidden: true })).not.toContain('hidden-key');
    await client.use({ pipeline, token: 'T2' });
    const executes = engine.requests().filter((r) => r.command === 'execute');
    expect(executes.map((r) => (r.arguments.pipeline as { description: string }).description)).toEqual(['team old', 'team new']);
    expect(executes.map((r) => r.arguments.env)).toEqual([{ ROCKETRIDE_TEAM: 'old' }, { ROCKETRIDE_TEAM: 'new' }]);
  });

  it('keeps the credential resolved when the client was made', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { auth: undefined, env: { ROCKETRIDE_APIKEY: 'K' } });
    client.setEnv({ ROCKETRIDE_APIKEY: 'other' });
    await client.connect();
    expect(engine.requests()[0]!.arguments.auth).toBe('K');
  });

  for (const [name, env, message] of [
    ['not an object', 'x', 'setEnv(): env must be an object of strings (got a string)'],
    ['null', null, 'setEnv(): env must be an object of strings (got null)'],
    ['a number value', { ROCKETRIDE_A: 1 }, 'setEnv(): env.ROCKETRIDE_A must be a string (got 1)'],
  ] as const) {
    it(`${name} → ERR_INVALID_ARGUMENT, the env unchanged`, () => {
      const client = h.client({ uri: 'ws://127.0.0.1:9/task/service' }, { env: { ROCKETRIDE_TEAM: 'kept' } });
      const error = (() => {
        try {
          client.setEnv(env as never);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
      expect({ ...client.env }).toEqual({ ROCKETRIDE_TEAM: 'kept' });
    });
  }
});
