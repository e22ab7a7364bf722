/**
 * PROTOCOL.md §14 cases 27–41: the `rrext_process` data plane (§5.5, §6, §12.1, §12.2), with §15.3
 * and §15.5. HEAD⚠ cases run under both simulator profiles.
 */
import { describe, expect, it } from 'vitest';
import {
  PROFILES,
  chatPipeline,
  close,
  eventually,
  execute,
  open,
  openPipe,
  pipeRecord,
  question,
  sleep,
  useEngine,
  write,
} from './helpers/env.js';
import { expectSubprocessError, expectWriteOk } from './helpers/expect.js';
import { UUID, UUID_V4, streamObjectId } from './helpers/ids.js';

describe('data plane', () => {
  const ctx = useEngine();

  it('§14.27 pipe_id is the lowest free index per task and is reused after close', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    expect((await open(c, 'T1')).body).toEqual({ pipe_id: 0 });
    expect((await open(c, 'T1')).body).toEqual({ pipe_id: 1 });
    expect((await close(c, 'T1', 0)).success).toBe(true);
    expect((await open(c, 'T1')).body).toEqual({ pipe_id: 0 });
  });

  it('§14.28 text writes are joined with "\\n\\n" on close', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1', { object: { name: 'a.txt' }, mimeType: 'text/plain' });
    for (const chunk of ['Hello ', 'from ', 'streaming ', 'test!']) expectWriteOk(await write(c, 'T1', pipe, chunk));
    const res = await close(c, 'T1', pipe);
    expect(res.success).toBe(true);
    expect(res.body).toEqual({
      name: 'a.txt',
      path: '',
      objectId: streamObjectId('a.txt'),
      result_types: { text: 'text' },
      text: ['Hello \n\nfrom \n\nstreaming \n\ntest!\n\n'],
    });
  });

  it('§14.29 an octet-stream object gets a UUID name, path "", a UUID objectId and no result_types', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1', { object: { size: 5 }, mimeType: 'application/octet-stream' });
    expectWriteOk(await write(c, 'T1', pipe, 'Hello'));
    const res = await close(c, 'T1', pipe);
    expect(res.success).toBe(true);
    expect(res.body.name).toMatch(UUID_V4);
    expect(res.body.path).toBe('');
    expect(res.body.objectId).toMatch(UUID);
    expect(res.body.objectId).toBe(streamObjectId(res.body.name));
    expect(res.body).not.toHaveProperty('result_types');
    expect(Object.keys(res.body).sort()).toEqual(['name', 'objectId', 'path']);
  });

  it('§14.37 with threads:1 a second open waits unanswered until pipe 0 is closed', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1', threads: 1 });
    const first = await openPipe(c, 'T1');
    const seq = c.nextSeq();
    c.send({
      type: 'request',
      seq,
      command: 'rrext_process',
      arguments: { subcommand: 'open', object: { name: 'b.txt' }, mimeType: 'text/plain', token: 'T1' },
    });
    const isSecond = (m: { type?: string; request_seq?: unknown }) => m.type === 'response' && m.request_seq === seq;
    expect(await c.quietFor(300, isSecond), 'blocked open must get no response').toBe(true);
    // The connection keeps serving other frames while the open waits.
    expect((await c.request('rrext_ping')).success).toBe(true);
    expect((await close(c, 'T1', first)).success).toBe(true);
    const second = await c.next(isSecond, 2000);
    expect(second.msg).toMatchObject({ success: true, body: { pipe_id: 0 } });
  });

  it('§12.1 objinfo: url and unknown keys are ignored, so objectId derives from the name alone', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1', {
      object: { name: 'o.txt', url: 'https://example.com/o.txt', filepath: '/tmp/o.txt', custom: 1 },
      mimeType: 'text/plain',
    });
    expectWriteOk(await write(c, 'T1', pipe, 'x'));
    const res = await close(c, 'T1', pipe);
    expect(res.body).toMatchObject({ name: 'o.txt', path: '', objectId: streamObjectId('o.txt') });
    expect(res.body).not.toHaveProperty('filepath');
    expect(res.body).not.toHaveProperty('custom');
  });

  it('§6.6 pipes belong to the task: another connection can use them, also after the opener disconnects', async () => {
    const a = await ctx.authed();
    await execute(a, { token: 'T1' });
    const pipe = await openPipe(a, 'T1', { object: { name: 'shared.txt' } });
    expectWriteOk(await write(a, 'T1', pipe, 'from a'));
    await a.close();
    const b = await ctx.authed();
    expectWriteOk(await write(b, 'T1', pipe, 'from b'));
    expect((await close(b, 'T1', pipe)).body.text).toEqual(['from a\n\nfrom b\n\n']);
  });

  it('§14.39 mimeType "lane/text" is a text pipe', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1', { object: { name: 'l.bin' }, mimeType: 'lane/text' });
    expectWriteOk(await write(c, 'T1', pipe, 'one'));
    expectWriteOk(await write(c, 'T1', pipe, 'two'));
    const res = await close(c, 'T1', pipe);
    expect(res.body).toMatchObject({ name: 'l.bin', result_types: { text: 'text' }, text: ['one\n\ntwo\n\n'] });
  });
});

describe.each(PROFILES)('data-plane errors (profile %s)', (profile) => {
  const ctx = useEngine({ profile });

  it('§14.30 open with provider "chat" on the webhook task is refused (also at HEAD)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const res = await open(c, 'T1', { provider: 'chat' });
    expect(res).toMatchObject({
      success: false,
      message: 'You are looking for a "chat", but this pipeline isn\'t it',
    });
  });

  it('§14.31 rrext_process with an unknown token → "Your pipeline is not running" (also at HEAD)', async () => {
    const c = await ctx.authed();
    const res = await open(c, 'nope');
    expect(res).toMatchObject({ success: false, message: 'Your pipeline is not running' });
  });

  it('§14.32 open without mimeType → "No mimeType specified" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const res = await c.request('rrext_process', { subcommand: 'open', object: { name: 'a.txt' }, token: 'T1' });
    expectSubprocessError(res, profile, 'No mimeType specified');
  });

  it('§14.33 open without object → "No object info specified" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const res = await c.request('rrext_process', { subcommand: 'open', mimeType: 'text/plain', token: 'T1' });
    expectSubprocessError(res, profile, 'No object info specified');
  });

  it('§14.34 write to pipe 99 → "Write pipe with id 99 not found" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    expectSubprocessError(await write(c, 'T1', 99, 'x'), profile, 'Write pipe with id 99 not found');
  });

  it('§14.35 a second close of the same pipe → "Close pipe with id N not found" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await openPipe(c, 'T1');
    const pipe = await openPipe(c, 'T1');
    expect(pipe).toBe(1);
    expect((await close(c, 'T1', pipe)).success).toBe(true);
    expectSubprocessError(await close(c, 'T1', pipe), profile, 'Close pipe with id 1 not found');
  });

  it('§14.36 half a UTF-8 character fails a text write and poisons the pipe (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await openPipe(c, 'T1');
    const pipe = await openPipe(c, 'T1', { object: { name: 'u.txt' }, mimeType: 'text/plain' });
    expectSubprocessError(await write(c, 'T1', pipe, Buffer.from([0xc3])), profile);
    expectSubprocessError(await write(c, 'T1', pipe, 'fine'), profile, `Write pipe with id ${pipe} has failed`);
    // The wire cannot show the poisoning at HEAD; the simulator's record must.
    const rec = pipeRecord(ctx.engine, 'T1', pipe);
    expect(rec?.state).toBe('failed');
    expect(rec?.received.includes('fine')).toBe(false);
  });

  it('§14.40 invalid JSON on a question pipe fails the write and poisons the pipe (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'C1', pipeline: chatPipeline() });
    const pipe = await openPipe(c, 'C1', {
      object: { name: 'Question 1' },
      mimeType: 'application/rocketride-question',
      provider: 'chat',
    });
    expectSubprocessError(await write(c, 'C1', pipe, '{"type":"question","questions":['), profile);
    expectSubprocessError(await write(c, 'C1', pipe, question('hi')), profile, `Write pipe with id ${pipe} has failed`);
    expect(pipeRecord(ctx.engine, 'C1', pipe)?.state).toBe('failed');
  });

  it('§5.5 a write without pipe_id → "No pipe_id specified"; an unknown subcommand → "Invalid subcommand X" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    await openPipe(c, 'T1');
    const noPipe = await c.request('rrext_process', { subcommand: 'write', token: 'T1', data: 'x' });
    expectSubprocessError(noPipe, profile, 'No pipe_id specified');
    const bad = await c.request('rrext_process', { subcommand: 'rewind', pipe_id: 0, token: 'T1' });
    expectSubprocessError(bad, profile, 'Invalid subcommand rewind');
  });

  it('§14.41 after terminate, open fails with the exit message (§15.5)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    expect((await c.request('terminate', { token: 'T1' }, 15_000)).success).toBe(true);
    expect(await open(c, 'T1')).toMatchObject({ success: false, message: 'Task cancelled by request' });
  });

  it('§15.3 a write whose data is a string inside a text frame → "Could not send request"', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1');
    const seq = c.nextSeq();
    c.send({ type: 'request', seq, command: 'rrext_process', arguments: { subcommand: 'write', pipe_id: pipe, token: 'T1', data: 'hi' } });
    const res = await c.next((m) => m.type === 'response' && m.request_seq === seq);
    expect(res.msg).toMatchObject({ success: false, message: 'Could not send request' });
  });
});

describe.each(PROFILES)('retention of finished tasks (profile %s)', (profile) => {
  // Scaled: retention 300 s → 300 ms, its 60 s scan → 100 ms.
  const ctx = useEngine({ profile, timing: { retentionMs: 300, ttlScanMs: 100 } });

  it('§14.41 once a terminated task is no longer retained, open → "Your pipeline is not running"', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    expect((await c.request('terminate', { token: 'T1' }, 15_000)).success).toBe(true);
    let last: unknown;
    const gone = await eventually(async () => {
      last = await open(c, 'T1');
      return (last as { message?: string }).message === 'Your pipeline is not running';
    }, 3000, 100);
    expect(gone, `last answer: ${JSON.stringify(last)}`).toBe(true);
    expect(last).toMatchObject({ success: false });
  });
});

describe.each(PROFILES)('idle pipe reaping (profile %s)', (profile) => {
  // Scaled: 60 s idle limit → 300 ms, 30 s reaper scan → 100 ms (reaped 300–400 ms after the last activity).
  const ctx = useEngine({ profile, timing: { reapIdleMs: 300, reapScanMs: 100 } });

  it('§14.38 an idle pipe is reaped: a blocked open is released and a later write → "not found" (HEAD⚠)', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T2' });
    await execute(c, { token: 'T1', threads: 1 });
    await openPipe(c, 'T2');
    const idle = await openPipe(c, 'T2');
    expect(idle).toBe(1);
    expect(await openPipe(c, 'T1')).toBe(0);
    // Held back by the single slot until the reaper frees pipe 0 of T1.
    const released = await open(c, 'T1', { object: { name: 'later.txt' } }, 3000);
    expect(released).toMatchObject({ success: true, body: { pipe_id: 0 } });
    // T2's pipes were opened before T1's, so two more scans certainly reaped them.
    await sleep(250);
    expect(pipeRecord(ctx.engine, 'T2', idle)?.state).toBe('abandoned');
    expectSubprocessError(await write(c, 'T2', idle, 'late'), profile, `Write pipe with id ${idle} not found`);
  });
});
