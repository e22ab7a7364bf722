import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type RocketRide, ValidationError } from './index.js';

let rocketride: RocketRide | undefined;
afterEach(async () => {
  await rocketride?.disconnect();
  rocketride = undefined;
});

const message = (call: string, form: string, got: string) =>
  `${call} takes the task token first: ${form}, got ${got} where the token goes (0.x API change: the token used to come after the source)`;

describe('the client’s uploads take the token first; a call in the old order is refused before anything is sent', () => {
  it('upload(token, source), uploadFiles(token, files) and http.upload(token, source) send the source to the task', async () => {
    rocketride = await connect({ embedded: { apiKey: 'K' }, auth: 'K', env: {} });
    const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
    await expect(rocketride.upload(token, 'over ws', { mimeType: 'text/plain' })).resolves.toMatchObject({ text: ['over ws\n\n'] });
    await expect(rocketride.http.upload(token, 'over http', { mimeType: 'text/plain' })).resolves.toMatchObject({ text: ['over http\n\n'] });
    const dir = await mkdtemp(join(tmpdir(), 'rr-token-first-'));
    try {
      await writeFile(join(dir, 'a.txt'), 'from a file');
      const [file] = await rocketride.uploadFiles(token, [join(dir, 'a.txt')], { concurrency: 1 });
      expect(file).toMatchObject({ ok: true, result: { name: 'a.txt', text: ['from a file\n\n'] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const CASES: Array<[string, (rr: RocketRide, token: string) => Promise<unknown>, string]> = [
    [
      'upload(Buffer, token)',
      (rr, token) => rr.upload(Buffer.from('x') as never, token as never),
      message('rocketride.upload()', 'rocketride.upload(token, source, options?)', 'an object'),
    ],
    [
      'uploadFiles(files, token)',
      (rr, token) => rr.uploadFiles(['a.txt'] as never, token as never),
      message('rocketride.uploadFiles()', 'rocketride.uploadFiles(token, files, options?)', 'an array'),
    ],
    [
      'http.upload({ path }, token)',
      (rr, token) => rr.http.upload({ path: 'a.txt' } as never, token as never),
      message('rocketride.http.upload()', 'rocketride.http.upload(token, source, options?)', 'an object'),
    ],
    ['upload(undefined, source)', (rr) => rr.upload(undefined as never, 'x'), message('rocketride.upload()', 'rocketride.upload(token, source, options?)', 'undefined')],
  ];
  it.each(CASES)('%s rejects ERR_INVALID_ARGUMENT', async (_name, call, expected) => {
    rocketride = await connect({ embedded: { apiKey: 'K' }, auth: 'K', env: {} });
    const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
    const engine = rocketride.engine!;
    const before = engine.requests().length;
    const error = await call(rocketride, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expected });
    expect(engine.requests().slice(before)).toEqual([]);
    expect(engine.pipes({ token })).toEqual([]);
  });
});
