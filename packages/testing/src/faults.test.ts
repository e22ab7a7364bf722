import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startEngine } from './server.js';
import { ECHO_PIPELINE, RawClient } from './test-client.js';
import type { Engine, EngineOptions } from './types.js';

let engine: Engine | undefined;
const clients: RawClient[] = [];

async function setup(options: EngineOptions = {}): Promise<RawClient> {
  engine = await startEngine({ apiKey: 'K', ...options });
  const c = await RawClient.authed(engine.uri);
  clients.push(c);
  await c.call('execute', { pipeline: ECHO_PIPELINE, token: 'T1' });
  return c;
}

const open = (c: RawClient, mimeType = 'text/plain') =>
  c.call('rrext_process', { subcommand: 'open', token: 'T1', object: { name: 'x' }, mimeType });
const write = (c: RawClient, pipeId: number, data: string | Buffer) =>
  c.call('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: pipeId, data: Buffer.from(data) });
const close = (c: RawClient, pipeId: number) => c.call('rrext_process', { subcommand: 'close', token: 'T1', pipe_id: pipeId });

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await engine?.close();
  engine = undefined;
});

describe('fault injection', () => {
  it('delays matching responses only, for the given number of times', async () => {
    const c = await setup();
    engine!.faults.delayResponse('rrext_process:write', 150, { times: 1 });
    await open(c);
    const seqWrite = c.send('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from('a') });
    const seqPing = c.send('rrext_ping');
    await c.next((m) => m.request_seq === seqWrite);
    const order = c.frames.filter((f) => f.request_seq === seqWrite || f.request_seq === seqPing).map((f) => f.request_seq);
    expect(order).toEqual([seqPing, seqWrite]);
    // The rule is used up: the next write is answered before a later ping again.
    const w2 = c.send('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from('b') });
    const p2 = c.send('rrext_ping');
    await c.next((m) => m.request_seq === p2);
    await c.next((m) => m.request_seq === w2);
    const order2 = c.frames.filter((f) => f.request_seq === w2 || f.request_seq === p2).map((f) => f.request_seq);
    expect(order2).toEqual([w2, p2]);
  });

  it('withholds responses matched by a predicate, still running the handler', async () => {
    const c = await setup();
    engine!.faults.withholdResponse((r) => r.command === 'rrext_process' && r.arguments.subcommand === 'open', { times: 1 });
    const seq = c.send('rrext_process', { subcommand: 'open', token: 'T1', object: {}, mimeType: 'text/plain' });
    await c.call('rrext_ping');
    await c.call('rrext_ping');
    expect(c.frames.some((f) => f.request_seq === seq)).toBe(false);
    expect(engine!.pipes({ token: 'T1' })).toHaveLength(1);
    expect((await open(c)).body).toEqual({ pipe_id: 1 });
  });

  it('terminates the connection on the n-th next frame, without processing it', async () => {
    const c = await setup();
    engine!.faults.closeAfterFrames(2);
    await c.call('rrext_ping');
    c.send('rrext_ping');
    const { code } = await c.closed;
    expect(code).toBe(1006);
    expect(engine!.requests().filter((r) => r.command === 'rrext_ping')).toHaveLength(1);
  });

  it('terminates the connection once the written payload reaches the byte budget', async () => {
    const c = await setup();
    engine!.faults.closeAfterBytes(10);
    await open(c);
    await write(c, 0, '123456');
    c.send('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from('7890') });
    expect((await c.closed).code).toBe(1006);
    expect(engine!.pipes()[0]!.received.toString()).toBe('123456');
  });

  it('pushes malformed frames to every connection', async () => {
    const c = await setup();
    const raw: { data: Buffer; binary: boolean }[] = [];
    c.ws.removeAllListeners('message');
    c.ws.on('message', (data: Buffer, binary: boolean) => raw.push({ data, binary }));
    for (const kind of ['invalid-json', 'not-object', 'bad-fields', 'binary-no-newline', 'multiline-json'] as const) {
      engine!.faults.sendMalformed(kind);
    }
    await new Promise<void>((resolve) => {
      const check = () => (raw.length >= 5 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(() => JSON.parse(raw[0]!.data.toString())).toThrow();
    expect(JSON.parse(raw[1]!.data.toString())).toEqual([1, 2, 3]);
    expect(JSON.parse(raw[2]!.data.toString())).toMatchObject({ type: 'response', seq: 'x' });
    expect(raw[3]!.binary).toBe(true);
    expect(raw[3]!.data.includes(0x0a)).toBe(false);
    const probe = JSON.parse(raw[3]!.data.toString());
    expect(raw[4]!.data.toString()).toContain('\n');
    const multi = JSON.parse(raw[4]!.data.toString());
    expect(multi.seq).toBe(probe.seq + 1);
  });

  it('pushes a frame exactly as given: a string as text, a Buffer as binary unless told otherwise', async () => {
    const c = await setup();
    const raw: { data: Buffer; binary: boolean }[] = [];
    c.ws.removeAllListeners('message');
    c.ws.on('message', (data: Buffer, binary: boolean) => raw.push({ data, binary }));
    engine!.faults.sendFrame('{"type":"event","event":"apaext_account","body":null}');
    engine!.faults.sendFrame(Buffer.from([0xff, 0x0a, 0x01]));
    engine!.faults.sendFrame(Buffer.from('{"seq":1}'), { binary: false });
    await new Promise<void>((resolve) => {
      const check = () => (raw.length >= 3 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(raw.map((r) => r.binary)).toEqual([false, true, false]);
    expect(raw[0]!.data.toString()).toBe('{"type":"event","event":"apaext_account","body":null}');
    expect([...raw[1]!.data]).toEqual([0xff, 0x0a, 0x01]);
    expect(raw[2]!.data.toString()).toBe('{"seq":1}');
  });

  it('stalls opens until released', async () => {
    const c = await setup();
    engine!.faults.stallOpen(true);
    const seq = c.send('rrext_process', { subcommand: 'open', token: 'T1', object: {}, mimeType: 'text/plain' });
    await c.call('rrext_ping');
    expect(c.frames.some((f) => f.request_seq === seq)).toBe(false);
    engine!.faults.stallOpen(false);
    expect((await c.next((m) => m.request_seq === seq)).body).toEqual({ pipe_id: 0 });
  });

  it('delays write acknowledgements after applying them', async () => {
    const c = await setup({ ackDelayMs: 100 });
    await open(c);
    const w = c.send('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from('a') });
    const p = c.send('rrext_ping');
    await c.next((m) => m.request_seq === w);
    const order = c.frames.filter((f) => f.request_seq === w || f.request_seq === p).map((f) => f.request_seq);
    expect(order).toEqual([p, w]);
    engine!.faults.setAckDelay(0);
    expect(await write(c, 0, 'b')).toMatchObject({ success: true });
  });

  it('applies every pipelined write under jitter, in some order', async () => {
    const c = await setup({ writeJitterMs: 20 });
    await open(c);
    const parts = Array.from({ length: 20 }, (_, i) => String.fromCharCode(97 + i));
    const seqs = parts.map((p) => c.send('rrext_process', { subcommand: 'write', token: 'T1', pipe_id: 0, data: Buffer.from(p) }));
    await Promise.all(seqs.map((s) => c.next((m) => m.request_seq === s)));
    const rec = engine!.pipes()[0]!;
    expect(rec.writes).toBe(20);
    expect([...rec.received.toString()].sort().join('')).toBe(parts.join(''));
    const result = (await close(c, 0)).body as { text: string[] };
    expect(result.text[0]!.split('\n\n').filter(Boolean).sort()).toEqual(parts);
  });

  it('adds body.error to close results while the pipeline fails, and reset clears it', async () => {
    const c = await setup();
    engine!.faults.failPipeline(true, 'boom');
    await open(c);
    const failed = await close(c, 0);
    expect(failed.success).toBe(true);
    expect(failed.body).toMatchObject({ error: { message: 'boom', code: expect.any(String), file: expect.any(String), line: expect.any(Number), function: expect.any(String) } });
    engine!.faults.reset();
    await open(c);
    expect((await close(c, 0)).body).not.toHaveProperty('error');
  });
});

describe('timing options', () => {
  it('never reaps a pipe while one of its writes is in flight', async () => {
    const c = await setup({ timing: { reapIdleMs: 40, reapScanMs: 10 }, ackDelayMs: 200 });
    await open(c);
    await write(c, 0, 'slow');
    expect(engine!.pipes()[0]!.state).toBe('open');
    engine!.faults.setAckDelay(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(engine!.pipes()[0]!.state).toBe('abandoned');
    expect(engine!.tasks()[0]).toMatchObject({ openPipes: 0 });
  });

  it('stops a task idle past its ttl and keeps it until retention ends', async () => {
    const c = await setup({ timing: { ttlScanMs: 20, retentionMs: 150 } });
    await c.call('execute', { pipeline: { ...ECHO_PIPELINE, project_id: 'p2' }, token: 'T2', ttl: 0.05 });
    await c.call('rrext_monitor', { token: 'T2', types: ['TASK'] });
    const end = await c.next((m) => m.event === 'apaevt_task' && (m.body as { action?: string }).action === 'end');
    expect(end.body).toMatchObject({ __id: 'T2.webhook_1' });
    const status = await c.call('rrext_get_task_status', { token: 'T2' });
    expect(status.body).toMatchObject({ state: 6, completed: true });
    // T1 has the default ttl (900 s): still running.
    expect(engine!.tasks().find((t) => t.token === 'T1')!.state).toBe(3);
    await new Promise((r) => setTimeout(r, 250));
    expect(engine!.tasks().map((t) => t.token)).toEqual(['T1']);
  });
});

describe('inspection', () => {
  it('logs every request with its data size, and counts connections and monitor keys', async () => {
    const c = await setup();
    const raw = new WebSocket(engine!.uri);
    await new Promise((r) => raw.once('open', r));
    raw.send(JSON.stringify({ type: 'request', seq: 5, command: 'rrext_public_probe' }));
    await new Promise((r) => raw.once('message', r));
    expect(engine!.connectionCount()).toBe(2);
    await c.call('rrext_monitor', { token: 'T1', types: ['SUMMARY'] });
    await c.call('rrext_monitor', { token: '*', types: 36 });
    expect(engine!.monitorCount()).toBe(2);
    await c.call('rrext_monitor', { token: '*', types: [] });
    expect(engine!.monitorCount()).toBe(1);
    const log = engine!.requests();
    expect(log.map((r) => r.command)).toEqual(['auth', 'execute', 'rrext_public_probe', 'rrext_monitor', 'rrext_monitor', 'rrext_monitor']);
    expect(log[2]).toMatchObject({ connectionId: expect.any(Number), seq: 5, dataBytes: 0 });
    expect(log[0]!.connectionId).not.toBe(log[2]!.connectionId);
    raw.terminate();
    await new Promise((r) => raw.once('close', r));
    c.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 20));
    expect(engine!.connectionCount()).toBe(0);
    expect(engine!.monitorCount()).toBe(0);
  });
});
