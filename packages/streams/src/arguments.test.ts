import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpUpload } from './http-upload.js';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';
import { upload } from './upload.js';
import { uploadFiles } from './upload-files.js';
import { createWritable } from './web-writable.js';

// One engine for the whole table: every case must leave it untouched, which is what is asserted.
let fx: Fixture;
let dir: string;
let file: string;
beforeAll(async () => {
  fx = await startFixture();
  dir = await mkdtemp(join(tmpdir(), 'rr-args-'));
  file = join(dir, 'data.bin');
  await writeFile(file, Buffer.alloc(4096, 7));
});
afterAll(async () => {
  await fx?.close();
  await rm(dir, { recursive: true, force: true });
});

type Entry = (client: RocketRideClient, token: string, options: unknown) => unknown;

const ENTRIES: Record<string, Entry> = {
  'pipe()': (c, t, o) => createPipe(c, t, o as never),
  'writable()': (c, t, o) => createWritable(c, t, o as never),
  'upload()': (c, t, o) => upload(c, t, { path: file }, o as never),
  'uploadFiles()': (c, t, o) => uploadFiles(c, t, [file], o as never),
};

const MAX = Number.MAX_SAFE_INTEGER;
/** Options every stream entry point takes, each bad, with the message it must give (code ERR_INVALID_OPTION). */
const PIPE_OPTIONS: Array<[options: unknown, message: string]> = [
  [null, 'options must be an object, got null'],
  ['x', 'options must be an object, got "x"'],
  [{ signal: 'x' }, 'signal must be an AbortSignal, got "x"'],
  [{ provider: 5 }, 'provider must be a non-empty string, got 5'],
  [{ maxWriteBytes: 0 }, 'maxWriteBytes must be an integer from 1 to 134217728, got 0'],
  [{ maxWriteBytes: 2 ** 30 }, 'maxWriteBytes must be an integer from 1 to 134217728, got 1073741824'],
  [{ highWaterMark: 1.5 }, 'highWaterMark must be an integer from 0 to 1073741824, got 1.5'],
  [{ idleFlushMs: -1 }, 'idleFlushMs must be an integer from 0 to 2147483647, got -1'],
  [{ writeTimeoutMs: 2 ** 31 }, 'writeTimeoutMs must be an integer from 0 to 2147483647, got 2147483648'],
  [{ closeTimeoutMs: Number.NaN }, 'closeTimeoutMs must be an integer from 0 to 2147483647, got NaN'],
  [{ mode: 'lines' }, `mode must be 'bytes', 'text' or 'documents', got "lines"`],
  [{ onProgress: 5 }, 'onProgress must be a function, got 5'],
  [{ fileChunkSize: 0 }, 'fileChunkSize must be an integer from 1 to 134217728, got 0'],
];
/** Options about the one object (not taken by uploadFiles, whose files carry their own). */
const OBJECT_OPTIONS: Array<[options: unknown, message: string]> = [
  [{ mimeType: 42 }, 'mimeType must be a non-empty string, got 42'],
  [{ name: 42 }, 'name must be a non-empty string, got 42'],
  [{ size: -1 }, `size must be an integer from 0 to ${MAX}, got -1`],
  [{ objinfo: 'x' }, 'objinfo must be an object, got "x"'],
  [{ objinfo: { name: 42 } }, 'objinfo.name must be a string, got 42'],
  [{ objinfo: { size: -1 } }, `objinfo.size must be an integer from 0 to ${MAX}, got -1`],
];

async function attempt(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function expectNothingSent(): Promise<void> {
  await new Promise((r) => setTimeout(r, 10));
  expect(fx.engine.requests().filter((r) => r.command === 'rrext_process')).toEqual([]);
  expect(fx.engine.pipes()).toEqual([]);
}

const cases: Array<[string, Entry, unknown, string]> = [];
for (const [entry, call] of Object.entries(ENTRIES)) {
  for (const [options, message] of PIPE_OPTIONS) {
    if (options !== null && typeof options === 'object' && 'fileChunkSize' in options && !entry.startsWith('upload')) continue;
    cases.push([entry, call, options, message]);
  }
  if (entry !== 'uploadFiles()') for (const [options, message] of OBJECT_OPTIONS) cases.push([entry, call, options, message]);
}

describe('stream entry points refuse a bad option with ERR_INVALID_OPTION before anything is sent', () => {
  it.each(cases)('%s with %j', async (_entry, call, options, message) => {
    const error = await attempt(() => call(fx.client, fx.token, options));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', message });
    await expectNothingSent();
  });
});

describe('stream entry points refuse a bad token or client before anything is sent', () => {
  it.each(Object.entries(ENTRIES))('%s', async (entry, call) => {
    // upload() and uploadFiles() take the token first now: a non-string there is ERR_INVALID_ARGUMENT (see below).
    const bad = entry.startsWith('upload') ? ['', '  '] : [42, '', '  ', undefined];
    for (const token of bad) {
      const error = await attempt(() => call(fx.client, token as never, {}));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_TOKEN' });
      expect((error as Error).message).toMatch(/^A task token \(a non-empty string\) is required to open a pipe, got /);
    }
    const error = await attempt(() => call(undefined as never, fx.token, {}));
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: 'client must be a RocketRideClient, got undefined' });
    await expectNothingSent();
  });
});

describe('upload(), uploadFiles() and httpUpload() take the token first: the old order is refused with ERR_INVALID_ARGUMENT', () => {
  const old = (call: string, form: string, got: string) =>
    `${call} takes the task token first: ${form}, got ${got} where the token goes (0.x API change: the token used to come after the source)`;
  const target = () => ({ httpUrl: fx.engine.httpUrl, auth: 'test-key' });
  const CASES: Array<[string, () => unknown, string]> = [
    ['upload(client, { path }, token)', () => upload(fx.client, { path: file } as never, fx.token as never), old('upload()', 'upload(client, token, source, options?)', 'an object')],
    ['upload(client, Buffer, token)', () => upload(fx.client, Buffer.from('x') as never, fx.token as never), old('upload()', 'upload(client, token, source, options?)', 'an object (Buffer)')],
    ['upload(client, undefined, source)', () => upload(fx.client, undefined as never, 'x'), old('upload()', 'upload(client, token, source, options?)', 'undefined')],
    ['uploadFiles(client, files, token)', () => uploadFiles(fx.client, [file] as never, fx.token as never), old('uploadFiles()', 'uploadFiles(client, token, files, options?)', 'an array')],
    ['uploadFiles(client, 42, files)', () => uploadFiles(fx.client, 42 as never, [file]), old('uploadFiles()', 'uploadFiles(client, token, files, options?)', '42')],
    ['httpUpload(target, { path }, token)', () => httpUpload(target(), { path: file } as never, fx.token as never), old('httpUpload()', 'httpUpload(target, token, source, options?)', 'an object')],
  ];
  it.each(CASES)('%s', async (_name, run, message) => {
    const error = await attempt(run);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
    await expectNothingSent();
  });
});

describe('upload({ path }) with fileChunkSize 0 commits nothing (it used to commit an empty object)', () => {
  it('rejects ERR_INVALID_OPTION and opens no pipe', async () => {
    const error = await attempt(() => upload(fx.client, fx.token, { path: file }, { fileChunkSize: 0 }));
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', message: 'fileChunkSize must be an integer from 1 to 134217728, got 0' });
    await expectNothingSent();
  });
});

describe('uploadFiles(): bad files and batch options', () => {
  const CASES: Array<[string, () => Promise<unknown>, string, string]> = [
    ['files not an array', () => uploadFiles(fx.client, fx.token, 'a' as never), 'ERR_INVALID_SOURCE', 'files must be an array, got "a"'],
    [
      'a number as a file',
      () => uploadFiles(fx.client, fx.token, [42 as never]),
      'ERR_INVALID_SOURCE',
      'files[0] must be a path, { path, objinfo?, mimeType? } or [path, objinfo?, mimeType?], got 42',
    ],
    ['a file without path', () => uploadFiles(fx.client, fx.token, [{ path: '' }]), 'ERR_INVALID_SOURCE', 'files[0] has no path'],
    [
      'objinfo.size -1',
      () => uploadFiles(fx.client, fx.token, [[file, { size: -1 }]]),
      'ERR_INVALID_OPTION',
      `files[0].objinfo.size must be an integer from 0 to ${MAX}, got -1`,
    ],
    ['mimeType 42', () => uploadFiles(fx.client, fx.token, [{ path: file, mimeType: 42 as never }]), 'ERR_INVALID_OPTION', 'files[0].mimeType must be a non-empty string, got 42'],
    ['concurrency 0', () => uploadFiles(fx.client, fx.token, [file], { concurrency: 0 }), 'ERR_INVALID_OPTION', 'concurrency must be an integer from 1 to 256, got 0'],
  ];
  it.each(CASES)('%s', async (_name, run, code, message) => {
    const error = await attempt(run);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code, message });
    await expectNothingSent();
  });
});

describe('httpUpload(): bad arguments are refused before any request', () => {
  const target = () => ({ httpUrl: fx.engine.httpUrl, auth: 'test-key' });
  const CASES: Array<[string, () => Promise<unknown>, string, string]> = [
    ['options null', () => httpUpload(target(), fx.token, 'x', null as never), 'ERR_INVALID_OPTION', 'options must be an object, got null'],
    ['mimeType 42', () => httpUpload(target(), fx.token, 'x', { mimeType: 42 as never }), 'ERR_INVALID_OPTION', 'mimeType must be a non-empty string, got 42'],
    ['name 42', () => httpUpload(target(), fx.token, 'x', { name: 42 as never }), 'ERR_INVALID_OPTION', 'name must be a non-empty string, got 42'],
    ['size -1', () => httpUpload(target(), fx.token, 'x', { size: -1 }), 'ERR_INVALID_OPTION', `size must be an integer from 0 to ${MAX}, got -1`],
    ['signal "x"', () => httpUpload(target(), fx.token, 'x', { signal: 'x' as never }), 'ERR_INVALID_OPTION', 'signal must be an AbortSignal, got "x"'],
    ['endpoint', () => httpUpload(target(), fx.token, 'x', { endpoint: '/x' as never }), 'ERR_INVALID_OPTION', `endpoint must be '/task/data' or '/webhook', got "/x"`],
    ['headersTimeout -1', () => httpUpload(target(), fx.token, 'x', { headersTimeout: -1 }), 'ERR_INVALID_OPTION', 'headersTimeout must be an integer from 0 to 2147483647, got -1'],
    ['fileChunkSize 0', () => httpUpload(target(), fx.token, { path: file }, { fileChunkSize: 0 }), 'ERR_INVALID_OPTION', 'fileChunkSize must be an integer from 1 to 134217728, got 0'],
    ['dispatcher {}', () => httpUpload(target(), fx.token, 'x', { dispatcher: {} as never }), 'ERR_INVALID_OPTION', 'dispatcher must be an undici Dispatcher, got an object'],
    ['target null', () => httpUpload(null as never, fx.token, 'x'), 'ERR_INVALID_ARGUMENT', 'target must be an object { httpUrl | uri, auth }, got null'],
    ['token ""', () => httpUpload(target(), '', 'x'), 'ERR_INVALID_TOKEN', 'A task token (a non-empty string) is required for an HTTP upload'],
  ];
  it.each(CASES)('%s', async (_name, run, code, message) => {
    const error = await attempt(run);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code, message });
    await expectNothingSent();
  });
});
