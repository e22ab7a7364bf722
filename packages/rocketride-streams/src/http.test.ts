import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, connect, type Engine, RocketRide, startEngine } from './index.js';

let rocketride: RocketRide | undefined;
let engine: Engine | undefined;
let dir: string | undefined;
afterEach(async () => {
  await rocketride?.disconnect();
  rocketride = undefined;
  await engine?.close();
  engine = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('rocketride.http: uploads over HTTP with the client’s address and credential', () => {
  it('uploads to the engine the client is connected to, with the same result as over the WebSocket', async () => {
    rocketride = await connect({ embedded: { apiKey: 'K' }, auth: 'K', env: {} });
    const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
    const overHttp = await rocketride.http.upload(token, 'hello', { mimeType: 'text/plain' });
    const overWs = await rocketride.upload(token, 'hello', { mimeType: 'text/plain' });
    expect(overHttp.text).toEqual(['hello\n\n']);
    expect(overHttp.result_types).toEqual({ text: 'text' });
    expect(Object.keys(overHttp).sort()).toEqual(Object.keys(overWs).sort());
    const pipes = rocketride.engine!.pipes({ token });
    expect(pipes.map((p) => p.state)).toEqual(['closed', 'closed']);
  });

  it('follows a changed credential', async () => {
    rocketride = await connect({ embedded: { apiKey: 'K' }, auth: 'K', env: {} });
    const { token } = await rocketride.use({ pipeline: ECHO_PIPELINE });
    rocketride.setConnectionParams({ auth: 'not-the-key' });
    await expect(rocketride.http.upload(token, 'x')).rejects.toBeInstanceOf(AuthenticationError);
    rocketride.setConnectionParams({ auth: 'K' });
    await expect(rocketride.http.upload(token, 'x')).resolves.toHaveProperty('objectId');
  });

  it('needs no WebSocket: a client that never connected uploads over HTTP', async () => {
    engine = await startEngine({ apiKey: 'K' });
    const starter = new RocketRide({ uri: engine.uri, auth: 'K', env: {} });
    await starter.connect();
    const { token } = await starter.use({ pipeline: ECHO_PIPELINE });
    await starter.disconnect();
    rocketride = new RocketRide({ uri: engine.uri, env: { ROCKETRIDE_APIKEY: 'K' } });
    const result = await rocketride.http.upload(token, Buffer.from('no socket'), { name: 'n.txt' });
    expect(result.text).toEqual(['no socket\n\n']);
    expect(rocketride.isConnected()).toBe(false);
  });

  it('the README tour: a file into a pipeline over HTTP', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rr-tour-'));
    const [pipelineFile, notes] = [join(dir, 'echo.json'), join(dir, 'notes.txt')];
    await writeFile(pipelineFile, JSON.stringify(ECHO_PIPELINE));
    await writeFile(notes, 'first line\nsecond line');
    // --- snippet (README "HTTP uploads") ---
    rocketride = await connect({ embedded: true });
    const { token } = await rocketride.use({ filepath: pipelineFile, useExisting: true });
    const result = await rocketride.http.upload(token, { path: notes }); // POST /task/data?token=…
    // --- end of snippet ---
    expect(result.name).toBe('notes.txt');
    expect(result.text).toEqual(['first line\nsecond line\n\n']);
  });

  it('the README tour shows the snippet above (token first), with the temporary files named as in the README', () => {
    const own = readFileSync(new URL(import.meta.url), 'utf8');
    const snippet = own.split('// --- snippet (README "HTTP uploads") ---\n')[1]!.split('    // --- end of snippet ---')[0]!;
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = readme.split('### HTTP uploads')[1]!.split('```ts\n')[1]!.split('```')[0]!;
    const lines = snippet
      .trim()
      .split('\n')
      .map((line) => line.trim().replace(/^rocketride = /, 'const rocketride = ').replace('filepath: pipelineFile', "filepath: 'echo.json'").replace('{ path: notes }', "{ path: 'notes.txt' }"));
    for (const line of lines) expect(block.split('\n')).toContain(line);
    expect(block).toContain('rocketride.http.upload(token, ');
  });
});
