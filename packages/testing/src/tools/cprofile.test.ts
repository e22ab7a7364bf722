import { describe, expect, it } from 'vitest';
import { useRawHarness } from '../raw-harness.js';
import { ECHO_PIPELINE } from '../test-client.js';

const h = useRawHarness();
const NO_DATA = 'No profiling data available. Run a session first.';

// The profiling session model is PROTOCOL.md §16.H; `rrext_cprofile_report_tree` is the call-tree view of the same report
// that the official SDKs (Python `cprofile_report_tree`) and the profiler UI ask for.
describe('rrext_cprofile_report_tree', () => {
  for (const profile of ['intended', 'head'] as const) {
    it(`answers tree:null with the no-data sentence as error before any session has stopped (${profile})`, async () => {
      await h.start({ profile });
      const c = await h.authed();
      const r = await c.call('rrext_cprofile_report_tree', { max_depth: 7, min_pct: 0.5, include_system: false });
      expect(r.success).toBe(true);
      expect(r.body).toEqual({ tree: null, total_time: 0, total_calls: 0, error: NO_DATA });
    });
  }

  it('returns a <root> tree once a server-process session has been stopped', async () => {
    await h.start();
    const c = await h.authed();
    expect((await c.call('rrext_cprofile_start', { session: 's1' })).body).toMatchObject({ status: 'started', session: 's1' });
    expect((await c.call('rrext_cprofile_stop')).body).toMatchObject({ status: 'completed', session: 's1' });
    const r = await c.call('rrext_cprofile_report_tree', { max_depth: 50, min_pct: 0.1 });
    const body = r.body as { tree: { name: string; children: unknown[] }; total_time: number; total_calls: number; error?: string };
    expect(body.error).toBeUndefined();
    expect(body.tree).toMatchObject({ name: '<root>', file: '', line: 0, ncalls: 1, tottime: 0, cumtime: 0 });
    expect(body.tree.children).toHaveLength(1);
    expect(body.tree.children[0]).toMatchObject({ ncalls: 1, children: [] });
    expect(body).toMatchObject({ total_time: 0, total_calls: 1 });
    // max_depth below 1 prunes everything under the root
    const pruned = await c.call('rrext_cprofile_report_tree', { max_depth: 0 });
    expect((pruned.body as { tree: { children: unknown[] } }).tree.children).toEqual([]);
  });

  it("reads a task engine's report when target names the task, and not the server's", async () => {
    await h.start();
    const c = await h.authed();
    const token = (await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'PT', args: [] })).body as { token: string };
    expect((await c.call('rrext_cprofile_start', { target: token.token, session: 'task-s' })).body).toMatchObject({
      status: 'started',
      session: 'task-s',
    });
    await c.call('rrext_cprofile_stop', { target: token.token });
    const onTask = await c.call('rrext_cprofile_report_tree', { target: 'PT' });
    expect((onTask.body as { tree: { name: string } }).tree.name).toBe('<root>');
    const onServer = await c.call('rrext_cprofile_report_tree', {});
    expect(onServer.body).toMatchObject({ tree: null, error: NO_DATA });
  });

  it('fails with "Your pipeline is not running" for a target that names no task', async () => {
    await h.start();
    const c = await h.authed();
    const r = await c.call('rrext_cprofile_report_tree', { target: 'nope' });
    expect(r).toMatchObject({ success: false, message: 'Your pipeline is not running' });
  });
});
