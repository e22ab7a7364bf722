import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT_PIPELINE, ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ExecutionError, RocketRideError, type ValidationError } from '../../src/errors/index.js';
import { Answer, Question } from '../../src/schema/question.js';
import type { RocketRideEvent } from '../../src/schema/events.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

describe('command surface against the simulator (success paths)', () => {
  it('connect returns the identity; ping; getConnectionInfo; generation', async () => {
    const { client } = await h.connected();
    expect(client.generation).toBe(1);
    const info = client.getConnectionInfo();
    expect(info.connected).toBe(true);
    expect(info.connectResult?.userId).toBe('local');
    await expect(client.ping()).resolves.toBeUndefined();
    // The same session's identity; getConnectionInfo() shows it with the userToken redacted (issue 9, bug 7).
    expect({ ...(await client.connect()), userToken: '***' }).toEqual(info.connectResult);
  });

  it('use / getTaskStatus / terminate, forwarding ROCKETRIDE_* but never the API key', async () => {
    const engine = await h.engine();
    const client = h.client(engine, { env: { ROCKETRIDE_APIKEY: 'K', ROCKETRIDE_FOO: 'bar', OTHER: 'x' } });
    await client.connect();
    const task = await client.use({ pipeline: { pipeline: ECHO_PIPELINE }, token: 'T1', threads: 4 });
    expect(task).toMatchObject({ token: 'T1', id: 'T1.webhook_1', source: 'webhook_1', provider: 'webhook' });
    const execute = engine.requests().find((r) => r.command === 'execute')!;
    expect(execute.arguments.env).toEqual({ ROCKETRIDE_FOO: 'bar' });
    expect(execute.arguments.args).toEqual([]);
    const status = await client.getTaskStatus('T1');
    expect(status.state).toBe(3);
    await client.terminate('T1');
    expect((await client.getTaskStatus('T1')).state).toBe(6);
  });

  it('use({ filepath }) unwraps the file, substitutes ${ROCKETRIDE_*} and names the task after the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-use-'));
    try {
      const file = join(dir, 'my-echo.pipe');
      const pipeline = { ...ECHO_PIPELINE, description: '${ROCKETRIDE_DESC}' };
      writeFileSync(file, JSON.stringify({ pipeline }));
      const engine = await h.engine();
      const client = h.client(engine, { env: { ROCKETRIDE_DESC: 'described' } });
      await client.connect();
      await client.use({ filepath: file, token: 'T2' });
      const execute = engine.requests().find((r) => r.command === 'execute')!;
      expect(execute.arguments.name).toBe('my-echo');
      expect((execute.arguments.pipeline as { description: string }).description).toBe('described');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('use() failure is an ExecutionError carrying the server message', async () => {
    const { client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T3' });
    const error = (await client.use({ pipeline: ECHO_PIPELINE, token: 'T3' }).catch((e: unknown) => e)) as ExecutionError;
    expect(error).toBeInstanceOf(ExecutionError);
    expect(error.code).toBe('ERR_EXECUTE');
    expect(error.serverMessage).toBe('Pipeline is already running.');
    const again = await client.use({ pipeline: ECHO_PIPELINE, token: 'T3', useExisting: true });
    expect(again.token).toBe('T3');
  });

  it('send() text and bytes: MIME from the name, size set, 0 sent as 1', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const text = await client.send('T', 'Hello', { name: 'a.txt' });
    expect(text.text).toEqual(['Hello\n\n']);
    expect(text.result_types).toEqual({ text: 'text' });
    expect(text.name).toBe('a.txt');
    const bin = await client.send('T', new Uint8Array([1, 2, 3]));
    expect(bin.objectId).toEqual(expect.any(String));
    await client.send('T', '', { name: 'empty.txt' }, 'text/plain');
    const pipes = engine.pipes({ token: 'T' });
    expect(pipes.map((p) => p.mimeType)).toEqual(['text/plain', 'application/octet-stream', 'text/plain']);
    expect(pipes.map((p) => p.object.size)).toEqual([5, 3, 1]);
  });

  it('openPipe(): writes in order, a zero-length write still goes out, close returns the result', async () => {
    const { engine, client } = await h.connected({ writeJitterMs: 5 });
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const pipe = await client.openPipe('T', { name: 's.txt' }, 'text/plain').open();
    expect(pipe.pipeId).toBe(0);
    const writes = ['a', 'b', '', 'c'].map((s) => pipe.write(Buffer.from(s)));
    await Promise.all(writes);
    const result = await pipe.close();
    expect(result?.text).toEqual(['a\n\nb\n\n\n\nc\n\n']);
    expect(engine.pipes()[0]!.writes).toBe(4);
  });

  it('openPipe() disposal abandons an unclosed pipe (no close sent)', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    {
      await using pipe = await client.openPipe('T', { name: 'x.bin' }).open();
      await pipe.write(new Uint8Array([1]));
    }
    const closes = engine.requests().filter((r) => r.command === 'rrext_process' && r.arguments.subcommand === 'close');
    expect(closes).toHaveLength(0);
  });

  it('sendFiles(): bounded concurrency, input order, isolated failure, upload events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-files-'));
    try {
      const files: string[] = [];
      for (let i = 0; i < 4; i++) {
        const f = join(dir, `f${i}.txt`);
        writeFileSync(f, `file ${i}`);
        files.push(f);
      }
      const events: RocketRideEvent[] = [];
      const { client } = await h.connected({ ackDelayMs: 2 }, { onEvent: (e) => events.push(e) });
      await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
      const emitted: RocketRideEvent[] = [];
      client.on('event', (e) => emitted.push(e));
      const results = await client.sendFiles(
        [files[0]!, [files[1]!, { name: 'renamed.txt' }], join(dir, 'missing.txt'), [files[3]!, undefined, 'text/plain']],
        'T',
        { concurrency: 2 },
      );
      expect(results.map((r) => r.action)).toEqual(['complete', 'complete', 'error', 'complete']);
      expect(results[0]!.result?.text).toEqual(['file 0\n\n']);
      expect(results[1]!.result?.name).toBe('renamed.txt');
      expect(results[2]!.error).toContain('missing.txt');
      expect(results[3]!.bytes_sent).toBe(6);
      const uploads = events.filter((e) => e.event === 'apaevt_status_upload');
      expect(uploads).toHaveLength(emitted.length);
      const forFirst = uploads.filter((e) => (e.body as { filepath: string }).filepath === files[0]).map((e) => (e.body as { action: string }).action);
      expect(forFirst).toEqual(['open', 'write', 'close', 'complete']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chat(): question in, answers out', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: CHAT_PIPELINE, token: 'C' });
    const result = await client.chat({ token: 'C', question: new Question().addQuestion('What is 2+2?') });
    expect(Answer.fromResult(result).getText()).toEqual(expect.any(String));
    expect(result.result_types).toEqual({ answers: 'answers' });
    const open = engine.requests().find((r) => r.arguments.subcommand === 'open')!;
    expect(open.arguments).toMatchObject({ object: { name: 'Question 1' }, mimeType: 'application/rocketride-question', provider: 'chat' });
  });

  it('setEvents / addMonitor / removeMonitor: ref-counted, events arrive', async () => {
    const { engine, client } = await h.connected();
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const events: RocketRideEvent[] = [];
    client.on('event', (e) => events.push(e));
    await client.addMonitor({ token: 'T' }, ['SUMMARY']);
    await client.addMonitor({ token: 'T' }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(1);
    expect(events.some((e) => e.event === 'apaevt_status_update')).toBe(true);
    await client.removeMonitor({ token: 'T' }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(1);
    await client.removeMonitor({ token: 'T' }, ['SUMMARY']);
    expect(engine.monitorCount()).toBe(0);
    await client.setEvents('T', ['TASK']);
    expect(engine.monitorCount()).toBe(1);
    await client.setEvents('T', []);
    expect(engine.monitorCount()).toBe(0);
  });

  it('getServices / getService / validate / getServerInfo', async () => {
    const { engine, client } = await h.connected();
    const all = await client.getServices();
    expect(Object.keys(all.services)).toContain('webhook');
    expect(await client.getService('webhook')).toMatchObject({ title: 'Webhook' });
    const missing = (await client.getService('nope').catch((e: unknown) => e)) as RocketRideError;
    expect(missing).toBeInstanceOf(RocketRideError);
    expect(missing.serverMessage).toContain("Service 'nope' not found");
    const report = await client.validate(ECHO_PIPELINE);
    // The engine's answer: the resolved pipeline, and `errors` only when there are some (issue 13).
    expect(report).toHaveProperty('pipeline');
    expect(report).not.toHaveProperty('errors');
    expect((await client.getServerInfo()).capabilities).toContain('oss');
    const offline = h.client(engine);
    expect((await offline.getServerInfo()).capabilities).toContain('oss');
  });

  it('dapRequest returns the body or throws a typed error; request resolves failures', async () => {
    const { client } = await h.connected();
    expect(await client.dapRequest('rrext_ping')).toEqual({ pong: true });
    const response = await client.request('rrext_nope');
    expect(client.didFail(response)).toBe(true);
    const error = (await client.dapRequest('rrext_nope').catch((e: unknown) => e)) as RocketRideError;
    expect(error.code).toBe('ERR_REQUEST_FAILED');
    expect(error.message).toBe('Invalid command: rrext_nope');
    expect(error.command).toBe('rrext_nope');
    expect(client.buildRequest('x', { a: 1 }, 'T')).toEqual({ type: 'request', command: 'x', arguments: { a: 1, token: 'T' } });
  });
});

describe('bad input is rejected before anything is sent', () => {
  it('every method validates its arguments', async () => {
    const { engine, client } = await h.connected();
    const before = engine.requests().length;
    const bad: Array<() => Promise<unknown>> = [
      () => client.use({} as never),
      () => client.use({ pipeline: { nothing: true } }),
      () => client.terminate(''),
      () => client.getTaskStatus(undefined as never),
      () => client.send('', 'x'),
      () => client.send('T', 42 as never),
      () => client.send('T', 'x', 'name' as never),
      () => client.sendFiles([], 'T'),
      () => client.sendFiles(['a'], 'T', { concurrency: 0 }),
      () => client.sendFiles([42 as never], 'T'),
      () => client.chat({ token: 'T', question: '' }),
      () => client.setEvents('T', 'SUMMARY' as never),
      () => client.addMonitor({ token: '' }, ['SUMMARY']),
      () => client.getService(''),
      () => client.validate(null as never),
      () => client.restart({ token: '' }),
      async () => client.openPipe('', {}),
      () => client.openPipe('T').write(new Uint8Array(1)),
    ];
    for (const call of bad) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, String(call)).toBeInstanceOf(RocketRideError);
      expect((error as RocketRideError).code).toMatch(/^ERR_/);
    }
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const pipe = await client.openPipe('T').open();
    const count = engine.requests().length;
    const error = (await pipe.write('text' as never).catch((e: unknown) => e)) as ValidationError;
    expect(error.code).toBe('ERR_INVALID_DATA');
    expect(engine.requests().length).toBe(count);
    expect(count).toBe(before + 2);
  });
});
