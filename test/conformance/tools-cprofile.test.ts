/**
 * PROTOCOL.md §16.L cases 29–32: `rrext_cprofile_*` (§16.H). The session state machine and its ownership rules are
 * the same in both profiles; both report refusals as `success:true` with `body.status:"error"` (⚠, the shape the
 * official SDK tests expect), and HEAD checks no permission where `intended` refuses `pk_`.
 */
import { describe, expect, it } from 'vitest';
import { PROFILES, type Profile, eventually, execute, useEngine } from './helpers/env.js';
import type { Msg, RawClient } from './helpers/raw-client.js';

/** A refusal, answered alike in both profiles. */
function refused(res: Msg, _profile: Profile, message: string, owner?: string): void {
  expect(res, JSON.stringify(res)).toMatchObject({ success: true, body: { status: 'error', message } });
  if (owner === undefined) expect(res.body).not.toHaveProperty('owner');
  else expect(res.body.owner).toBe(owner);
}

/** The `task:<n>` owner name of a connection, learnt from a session it starts and stops. */
async function ownerOf(c: RawClient): Promise<string> {
  const started = await c.request('rrext_cprofile_start', { session: 'probe' });
  await c.request('rrext_cprofile_stop', {});
  return started.body.owner;
}

describe.each(PROFILES)('rrext_cprofile_* (%s)', (profile) => {
  const ctx = useEngine({ profile });

  it('§16.29 with no session: status is idle without a report; stop is refused', async () => {
    const c = await ctx.authed();
    const status = await c.request('rrext_cprofile_status', {});
    expect(status.body).toEqual({ active: false, owner: null, session: null, runtime: null, has_report: false });
    refused(await c.request('rrext_cprofile_stop', {}), profile, 'No active profiling session');
    const report = await c.request('rrext_cprofile_report', {});
    expect(report.body).toEqual({ report: 'No profiling data available. Run a session first.' });
  });

  it('§16.30 one session per process, owned by the starting connection; stop by the owner; the report', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    const ownerB = await ownerOf(b);
    const start = await a.request('rrext_cprofile_start', { session: 'S' });
    expect(Object.keys(start.body).sort()).toEqual(['owner', 'session', 'start_time', 'status']);
    expect(start.body).toMatchObject({ status: 'started', session: 'S', owner: expect.stringMatching(/^task:\d+$/) });
    const owner = start.body.owner as string;
    expect(owner).not.toBe(ownerB);
    refused(await b.request('rrext_cprofile_start', { session: 'T' }), profile, `Profiling already active (owned by ${owner})`, owner);
    refused(await a.request('rrext_cprofile_start', { session: 'T' }), profile, `Profiling already active (owned by ${owner})`, owner);
    const status = await b.request('rrext_cprofile_status', {});
    expect(Object.keys(status.body).sort()).toEqual(['active', 'owner', 'runtime', 'session']);
    expect(status.body).toMatchObject({ active: true, owner, session: 'S' });
    expect(status.body.runtime).toBeGreaterThanOrEqual(0);
    refused(await b.request('rrext_cprofile_stop', {}), profile, `Session owned by ${owner}, not ${ownerB}`, owner);
    const stop = await a.request('rrext_cprofile_stop', {});
    expect(stop).toMatchObject({ success: true, body: { status: 'completed', session: 'S' } });
    expect(stop.body.runtime).toBeGreaterThanOrEqual(0);
    const report = await b.request('rrext_cprofile_report', {});
    expect(report.body.report.startsWith(`Session: S\nOwner: ${owner}\nDuration: `)).toBe(true);
    const after = await b.request('rrext_cprofile_status', {});
    expect(after.body).toEqual({ active: false, owner: null, session: null, runtime: null, has_report: true });
  });

  it('§16.31 a session without a name is session_<epoch s>; it ends, without a report, when its owner disconnects', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    const before = Math.floor(Date.now() / 1000);
    const start = await a.request('rrext_cprofile_start', {});
    const seconds = Number(/^session_(\d+)$/.exec(start.body.session)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    await a.close();
    expect(
      await eventually(async () => (await b.request('rrext_cprofile_status', {})).body.active === false),
    ).toBe(true);
    expect((await b.request('rrext_cprofile_status', {})).body.has_report).toBe(false);
    expect((await b.request('rrext_cprofile_start', { session: 'next' })).body.status).toBe('started');
  });

  it('§16.32 a target naming no task → Your pipeline is not running', async () => {
    const c = await ctx.authed();
    for (const command of ['rrext_cprofile_start', 'rrext_cprofile_stop', 'rrext_cprofile_status', 'rrext_cprofile_report']) {
      expect(await c.request(command, { target: 'nope-no-such-task' })).toMatchObject({
        success: false,
        message: 'Your pipeline is not running',
      });
    }
  });

  it('a target task has its own engine session that any client may stop; the server session is separate', async () => {
    const a = await ctx.authed();
    const b = await ctx.authed();
    const task = await execute(a, { token: 'PROF' });
    const start = await a.request('rrext_cprofile_start', { target: task.token, session: 'E' });
    expect(start.body).toMatchObject({ status: 'started', session: 'E', owner: 'data:1' });
    expect((await b.request('rrext_cprofile_status', {})).body.active).toBe(false);
    const stop = await b.request('rrext_cprofile_stop', { target: task.token });
    expect(stop.body).toMatchObject({ status: 'completed', session: 'E' });
    const report = await a.request('rrext_cprofile_report', { target: task.token });
    expect(report.body.report.startsWith('Session: E\nOwner: data:1\nDuration: ')).toBe(true);
  });

  it('a pk_ connection: HEAD lets it profile (⚠ no permission check), intended refuses task.debug', async () => {
    const c = await ctx.authed();
    const task = await execute(c, {});
    const pk = await ctx.authed(task.publicToken);
    const res = await pk.request('rrext_cprofile_start', { session: 'pk' });
    if (profile === 'head') expect(res.body).toMatchObject({ status: 'started', session: 'pk' });
    else expect(res).toMatchObject({ success: false, message: "Permission 'task.debug' denied" });
  });
});
