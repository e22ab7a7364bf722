/**
 * PROTOCOL.md §14 cases 12–18: the message envelope and framing (§3, §4), with §15.6/§15.7.
 */
import { describe, expect, it } from 'vitest';
import { close, echoPipeline, execute, openPipe, useEngine, write } from './helpers/env.js';

describe('envelope and framing', () => {
  const ctx = useEngine();

  it('§14.12 rrext_ping answers {type:"response", command:"rrext_ping", success:true, body:{pong:true}}', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_ping', {});
    expect(res).toMatchObject({ type: 'response', command: 'rrext_ping', success: true, body: { pong: true } });
    expect(res.body).toEqual({ pong: true });
  });

  it('§14.13 server seq starts at 1 and grows by 1 per frame; every frame is single-line JSON text', async () => {
    const c = await ctx.authed();
    // Mix responses and events on one connection.
    await c.request('rrext_ping');
    await execute(c, { token: 'T1' });
    await c.request('rrext_monitor', { token: 'T1', types: ['SUMMARY', 'TASK'] });
    await c.request('terminate', { token: 'T1' }, 15_000);
    await c.request('rrext_ping');
    expect(c.frames[0]!.msg!.seq).toBe(1);
    const seqs = c.frames.map((f) => f.msg!.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(c.events().length).toBeGreaterThan(0);
    for (const f of c.frames) {
      expect(f.binary).toBe(false);
      expect(f.raw).not.toContain('\n');
    }
  });

  it('§14.14 a request without seq is answered with request_seq:null', async () => {
    const c = await ctx.authed();
    c.send({ type: 'request', command: 'rrext_ping', arguments: {} });
    const f = await c.next((m) => m.type === 'response' && m.command === 'rrext_ping');
    expect(f.msg).toHaveProperty('request_seq', null);
    expect(f.msg!.success).toBe(true);
  });

  it('§14.15 an unknown rrext_ command gets "Invalid command: rrext_nope"', async () => {
    const c = await ctx.authed();
    const res = await c.request('rrext_nope', {});
    expect(res).toMatchObject({ command: 'rrext_nope', success: false, message: 'Invalid command: rrext_nope' });
  });

  it('§15.7 a request without command gets command:null and "Invalid command: "', async () => {
    const c = await ctx.authed();
    c.send({ type: 'request', seq: 42, arguments: {} });
    const f = await c.next((m) => m.type === 'response' && m.request_seq === 42);
    expect(f.msg).toMatchObject({ command: null, success: false, message: 'Invalid command: ' });
  });

  it('§14.16 an unknown non-rrext command without a token gets "Task token is required"', async () => {
    const c = await ctx.authed();
    const res = await c.request('foo', {});
    expect(res).toMatchObject({ command: 'foo', success: false, message: 'Task token is required' });
  });

  it('§14.17 invalid JSON gets no response and the connection keeps working', async () => {
    const c = await ctx.authed();
    const before = c.frames.length;
    c.sendText('{"type":"request","seq":5,"command":"rrext_ping"');
    c.sendText('not json at all');
    const res = await c.request('rrext_ping');
    expect(res.success).toBe(true);
    expect(c.frames.length - before, 'only the ping response arrived').toBe(1);
    expect(c.isOpen).toBe(true);
  });

  it('§4 after auth, frames of type response or event from the client are ignored', async () => {
    const c = await ctx.authed();
    const before = c.frames.length;
    c.send({ type: 'response', seq: 50, request_seq: 1, command: 'rrext_ping', success: true });
    c.send({ type: 'event', seq: 51, event: 'output', body: {} });
    expect((await c.request('rrext_ping')).success).toBe(true);
    expect(c.frames.length - before).toBe(1);
  });

  it('§14.18 a binary frame is split at its first 0x0A only: payload newlines arrive intact', async () => {
    const c = await ctx.authed();
    await execute(c, { token: 'T1' });
    const pipe = await openPipe(c, 'T1', { object: { name: 'nl.txt' }, mimeType: 'text/plain' });
    const payload = 'line one\nline two\n\n{"not":"a header"}\n';
    const w = await write(c, 'T1', pipe, payload);
    expect(w.success).toBe(true);
    const res = await close(c, 'T1', pipe);
    expect(res.success).toBe(true);
    expect(res.body.text).toEqual([`${payload}\n\n`]);
  });

  it('§15.6 responses are reordered: a ping sent right after execute is answered first', async () => {
    const c = await ctx.authed();
    const execSeq = c.nextSeq();
    const pingSeq = c.nextSeq();
    c.send({ type: 'request', seq: execSeq, command: 'execute', arguments: { pipeline: echoPipeline(), token: 'T1', args: [] } });
    c.send({ type: 'request', seq: pingSeq, command: 'rrext_ping' });
    const exec = await c.next((m) => m.type === 'response' && m.request_seq === execSeq, 5000);
    const ping = await c.next((m) => m.type === 'response' && m.request_seq === pingSeq);
    expect(exec.msg!.success).toBe(true);
    expect(ping.index).toBeLessThan(exec.index);
  });
});
