// A pool of one engine behaves exactly like a plain client: a slice of the streams tests (pipe-writable,
// close-in-flight, modes, upload-files), each run once through `rocketride.pipe(token)` on a plain client and once
// through `poolTask.pipe()` on a one-engine pool, asserting the same things.
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortError, PipeError, RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { type FileEntry, type PipeOptions, PipeWritable, type PipeWritableStream, createWritable, upload, uploadFiles, type UploadSource } from '@rocketride-streams/streams';
import { ECHO_PIPELINE, type Engine, type EngineOptions, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPool, type RocketRidePool } from './index.js';
import { makeFiles } from './test-support/files.js';

interface Target {
  engine: Engine;
  pipe(options?: PipeOptions): PipeWritable;
  writable(options?: PipeOptions): PipeWritableStream;
  upload(source: UploadSource, options?: PipeOptions): Promise<Record<string, unknown>>;
  uploadFiles(files: FileEntry[]): Promise<Array<{ path: string; ok: boolean; result?: Record<string, unknown> }>>;
  close(): Promise<void>;
}

async function plain(options: EngineOptions & { threads?: number } = {}): Promise<Target> {
  const { threads, ...engineOptions } = options;
  const engine = await startEngine({ apiKey: 'K', ...engineOptions });
  const client = new RocketRideClient({ uri: engine.uri, auth: 'K', env: {} });
  await client.connect();
  const { token } = await client.use({ pipeline: ECHO_PIPELINE, ...(threads ? { threads } : {}) });
  return {
    engine,
    pipe: (o) => new PipeWritable(client, token, o),
    writable: (o) => createWritable(client, token, o),
    upload: (s, o) => upload(client, token, s, o),
    uploadFiles: (f) => uploadFiles(client, token, f),
    close: async () => {
      await client.disconnect();
      await engine.close();
    },
  };
}

async function pooled(options: EngineOptions & { threads?: number } = {}): Promise<Target> {
  const { threads, ...engineOptions } = options;
  const engine = await startEngine({ apiKey: 'K', ...engineOptions });
  const pool: RocketRidePool = await connectPool({ engines: [engine.uri], auth: 'K', env: {} });
  const task = await pool.use(ECHO_PIPELINE, threads ? { threads } : {});
  return {
    engine,
    pipe: (o) => task.pipe(o),
    writable: (o) => task.writable(o),
    upload: (s, o) => task.upload(s, o),
    uploadFiles: (f) => task.uploadFiles(f),
    close: async () => {
      await pool.disconnect();
      await engine.close();
    },
  };
}

const sha = (data: Uint8Array | Uint8Array[]) => {
  const h = createHash('sha256');
  for (const d of Array.isArray(data) ? data : [data]) h.update(d);
  return h.digest('hex');
};
const dataOps = (engine: Engine) => engine.requests().filter((r) => r.command === 'rrext_process').map((r) => String(r.arguments.subcommand));

let target: Target | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe.each([
  ['a plain client', plain],
  ['a one-engine pool', pooled],
])('through %s', (_label, make) => {
  it('pipeline into pipe(): the engine received exactly the bytes; result then finish, both after the commit', async () => {
    target = await make();
    const data = Array.from({ length: 40 }, () => randomBytes(64 * 1024));
    const sink = target.pipe({ name: 'data.bin' });
    const order: string[] = [];
    const last = () => target!.engine.pipes().at(-1)!.state;
    sink.on('result', () => order.push(`result:${last()}`));
    sink.on('finish', () => order.push(`finish:${last()}`));
    await pipeline(Readable.from(data), sink);
    const record = target.engine.pipes().at(-1)!;
    expect(sha(record.received)).toBe(sha(data));
    expect(order).toEqual(['result:closed', 'finish:closed']);
    expect(await sink.result).toEqual(record.result);
    expect(sink.progress).toMatchObject({ bytesSent: 40 * 64 * 1024, bytesAcknowledged: 40 * 64 * 1024 });
  });

  it('backpressure: write() returns false past highWaterMark and drains once the engine acknowledged', async () => {
    target = await make({ ackDelayMs: 30 });
    const sink = target.pipe({ highWaterMark: 64 * 1024 });
    expect(sink.write(Buffer.alloc(80 * 1024, 1))).toBe(false);
    await once(sink, 'drain');
    sink.end();
    await once(sink, 'finish');
    expect(target.engine.pipes().at(-1)!.bytes).toBe(80 * 1024);
  });

  it('an empty object: open and close, no write', async () => {
    target = await make();
    const sink = target.pipe({ name: 'empty.bin' });
    await pipeline(Readable.from([]), sink);
    expect(dataOps(target.engine)).toEqual(['open', 'close']);
    expect((await sink.result).name).toBe('empty.bin');
  });

  it('destroy() mid-stream abandons the pipe without close; result rejects ERR_PIPE_ABANDONED', async () => {
    target = await make();
    const sink = target.pipe();
    await new Promise<void>((resolve, reject) => sink.write(Buffer.alloc(1000, 1), (e) => (e ? reject(e) : resolve())));
    sink.destroy();
    await once(sink, 'close');
    const error = (await sink.result.catch((e: unknown) => e)) as AbortError;
    expect(error.code).toBe('ERR_PIPE_ABANDONED');
    expect(dataOps(target.engine)).toEqual(['open', 'write']);
    expect(target.engine.pipes().at(-1)!.state).not.toBe('closed');
  });

  it('a pipeline failure in the close result rejects with PipeError and emits no finish', async () => {
    target = await make();
    target.engine.faults.failPipeline(true, 'boom');
    const sink = target.pipe();
    let finished = false;
    sink.on('finish', () => {
      finished = true;
    });
    const error = (await pipeline(Readable.from([Buffer.from('x')]), sink).catch((e: unknown) => e)) as PipeError;
    expect(error).toBeInstanceOf(PipeError);
    expect(finished).toBe(false);
  });

  it('an aborted signal before open sends nothing', async () => {
    target = await make();
    const sink = target.pipe({ signal: AbortSignal.abort() });
    const [error] = (await once(sink, 'error')) as [AbortError];
    expect(error).toBeInstanceOf(AbortError);
    expect(dataOps(target.engine)).toEqual([]);
  });

  it('a number chunk is ERR_INVALID_CHUNK before anything is sent for it, and no close', async () => {
    target = await make();
    const sink = target.pipe();
    const error = (await pipeline(Readable.from([Buffer.from('ok'), 42 as unknown as Buffer], { objectMode: true }), sink).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('ERR_INVALID_CHUNK');
    expect(sink.destroyed).toBe(true);
    expect(dataOps(target.engine)).not.toContain('close');
  });

  it('documents mode: one JSON document per write', async () => {
    target = await make();
    const sink = target.pipe({ mode: 'documents', mimeType: 'application/json' });
    await pipeline(Readable.from([{ a: 1 }, { b: 2 }], { objectMode: true }), sink);
    expect(target.engine.pipes().at(-1)!.writes).toBe(2);
  });

  it('writable(): a WHATWG stream with the same result', async () => {
    target = await make();
    const stream = target.writable({ name: 'web.bin' });
    await Readable.toWeb(Readable.from([Buffer.from('web bytes')])).pipeTo(stream as WritableStream<unknown>);
    expect((await stream.result).name).toBe('web.bin');
    expect(target.engine.pipes().at(-1)!.received.toString()).toBe('web bytes');
  });

  it('a close answer that never comes: ERR_COMMIT_UNKNOWN after closeTimeoutMs, never "not committed"', async () => {
    target = await make();
    target.engine.faults.withholdResponse('rrext_process:close');
    const error = (await target.upload(Buffer.from('late'), { closeTimeoutMs: 200 }).catch((e: unknown) => e)) as PipeError;
    expect(error.code).toBe('ERR_COMMIT_UNKNOWN');
  });

  it('uploadFiles(): one result per file in input order, each committed with its bytes', async () => {
    target = await make();
    const data = makeFiles(6, 1000, 20_000);
    try {
      const results = await target.uploadFiles(data.files.map((f) => f.path));
      expect(results.map((r) => [r.path, r.ok])).toEqual(data.files.map((f) => [f.path, true]));
      const held = new Map(target.engine.pipes().map((p) => [p.object.name, sha(p.received)]));
      for (const f of data.files) expect(held.get(f.name)).toBe(f.sha256);
    } finally {
      data.remove();
    }
  });
});
