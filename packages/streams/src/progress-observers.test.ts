import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './test-support/fixture.js';
import { PipeWritable } from './pipe-writable.js';
import { upload } from './upload.js';
import { uploadFiles } from './upload-files.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

let fx: Fixture | undefined;
let dir: string | undefined;
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

afterEach(async () => {
  process.off('warning', onWarning);
  warnings.length = 0;
  await fx?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  fx = dir = undefined;
});

const listenerWarnings = () => warnings.filter((w) => (w as { code?: string }).code === 'ERR_LISTENER');

describe('a progress observer that throws', () => {
  it('upload(): the object is still sent whole and committed; the throw is an ERR_LISTENER warning', async () => {
    fx = await startFixture();
    process.on('warning', onWarning);
    const result = await upload(fx.client, fx.token, Buffer.from('observed bytes'), {
      mimeType: 'text/plain',
      onProgress: () => {
        throw new Error('progress bar bug');
      },
    });
    expect(result).toBeDefined();
    expect(fx.engine.pipes().at(-1)!.received.toString()).toBe('observed bytes');
    expect(fx.dataOps()).toEqual(['open', 'write', 'close']);
    await new Promise((r) => setImmediate(r));
    expect(listenerWarnings().map((w) => w.message)).toContain('the onProgress callback threw: progress bar bug');
  });

  it("PipeWritable: a throwing onProgress keeps neither 'progress' listeners from their event nor the pipe from finishing", async () => {
    fx = await startFixture();
    process.on('warning', onWarning);
    const sink = new PipeWritable(fx.client, fx.token, {
      mimeType: 'application/octet-stream',
      onProgress: () => {
        throw new Error('option observer bug');
      },
    });
    let events = 0;
    sink.on('progress', () => {
      events++;
      throw new Error('listener bug');
    });
    await pipeline(Readable.from([Buffer.from('abc'), Buffer.from('def')]), sink);
    await expect(sink.result).resolves.toBeDefined();
    expect(fx.engine.pipes().at(-1)!.received.toString()).toBe('abcdef');
    expect(events).toBeGreaterThan(0);
    await new Promise((r) => setImmediate(r));
    const messages = listenerWarnings().map((w) => w.message);
    expect(messages).toContain('the onProgress callback threw: option observer bug');
    expect(messages).toContain('a callback threw: listener bug');
  });

  it('uploadFiles(): a throwing batch onProgress fails no file', async () => {
    fx = await startFixture();
    process.on('warning', onWarning);
    dir = await mkdtemp(join(tmpdir(), 'rr-progress-'));
    const paths = [join(dir, 'a.txt'), join(dir, 'b.txt')];
    await writeFile(paths[0]!, 'first');
    await writeFile(paths[1]!, 'second');
    const results = await uploadFiles(fx.client, fx.token, paths, {
      onProgress: () => {
        throw new Error('batch bar bug');
      },
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(
      fx.engine
        .pipes()
        .map((p) => p.received.toString())
        .sort(),
    ).toEqual(['first', 'second']);
    await new Promise((r) => setImmediate(r));
    expect(listenerWarnings().some((w) => w.message.endsWith('threw: batch bar bug'))).toBe(true);
  });
});
