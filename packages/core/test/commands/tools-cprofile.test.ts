import { ECHO_PIPELINE, type Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionError, ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();
const profileRequests = (engine: Engine) => engine.requests().filter((r) => String(r.command).startsWith('rrext_cprofile_'));

describe('cProfile commands', () => {
  for (const profile of ['intended', 'head'] as const) {
    it(`start / status / stop / report on the server process (${profile})`, async () => {
      const { client } = await h.connected({ profile });
      expect(await client.cprofileStatus()).toMatchObject({ active: false, owner: null, session: null, runtime: null, has_report: false });
      expect(await client.cprofileReport()).toEqual({ report: 'No profiling data available. Run a session first.' });
      const started = await client.cprofileStart(undefined, 'sess-1');
      expect(started).toMatchObject({ status: 'started', session: 'sess-1' });
      expect(started.owner).toMatch(/^task:\d+$/);
      expect(await client.cprofileStatus()).toMatchObject({ active: true, owner: started.owner, session: 'sess-1' });
      expect(await client.cprofileStop()).toMatchObject({ status: 'completed', session: 'sess-1' });
      expect((await client.cprofileReport()).report).toMatch(/^Session: sess-1\nOwner: task:\d+\n/);
    });

    it(`refusals are coded errors, also where the engine answers success:true with status "error" (${profile})`, async () => {
      const { engine, client } = await h.connected({ profile });
      const other = h.client(engine);
      await other.connect();
      const stopIdle = await client.cprofileStop().catch((e: unknown) => e);
      expect(stopIdle).toBeInstanceOf(ExecutionError);
      expect(stopIdle).toMatchObject({ code: 'ERR_CPROFILE_NOT_ACTIVE', message: 'No active profiling session' });

      const { owner } = await client.cprofileStart();
      const twice = await other.cprofileStart().catch((e: unknown) => e);
      expect(twice).toMatchObject({ code: 'ERR_CPROFILE_ACTIVE', message: `Profiling already active (owned by ${owner})` });
      const notOwner = await other.cprofileStop().catch((e: unknown) => e);
      expect(notOwner).toBeInstanceOf(ExecutionError);
      expect((notOwner as ExecutionError).code).toBe('ERR_CPROFILE_NOT_OWNER');
      expect((notOwner as ExecutionError).message).toMatch(new RegExp(`^Session owned by ${owner}, not task:\\d+$`));
      if (profile === 'head') {
        // What HEAD put on the wire: success true, the failure only in the body.
        const last = engine.requests().filter((r) => r.command === 'rrext_cprofile_stop').length;
        expect(last).toBe(2);
        expect((notOwner as ExecutionError & { response: { success: boolean; body: { status: string } } }).response).toMatchObject({
          success: true,
          body: { status: 'error' },
        });
      }
    });
  }

  it('target profiles a task engine; an unknown target fails with ERR_CPROFILE_START', async () => {
    const { client, engine } = await h.connected();
    const task = await client.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'PROF' });
    expect(await client.cprofileStart(task.token, 'eng')).toMatchObject({ status: 'started', session: 'eng', owner: 'data:1' });
    expect(await client.cprofileStatus(task.token)).toMatchObject({ active: true, session: 'eng' });
    expect(await client.cprofileStatus()).toMatchObject({ active: false });
    expect(await client.cprofileStop(task.token)).toMatchObject({ status: 'completed', session: 'eng' });
    expect(profileRequests(engine).map((r) => r.arguments.target)).toEqual(['PROF', 'PROF', undefined, 'PROF']);
    const error = await client.cprofileStart('no-such-task').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CPROFILE_START', message: 'Your pipeline is not running' });
  });

  for (const [name, call, message] of [
    ['empty target', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.cprofileStatus(''), 'target must be a task token (a non-empty string), or undefined for the server'],
    ['numeric target', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.cprofileReport(5 as unknown as string), 'target must be a task token (a non-empty string), or undefined for the server'],
    ['empty session', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.cprofileStart(undefined, ''), 'session must be a non-empty string'],
    ['bad signal', (c: Awaited<ReturnType<typeof h.connected>>['client']) => c.cprofileStop(undefined, { signal: 1 as unknown as AbortSignal }), 'options.signal must be an AbortSignal'],
  ] as const) {
    it(`${name} → ERR_INVALID_ARGUMENT, nothing sent`, async () => {
      const { client, engine } = await h.connected();
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
      expect(profileRequests(engine)).toEqual([]);
    });
  }
});
