import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, connect, type Engine, RocketRide, startEngine } from './index.js';

const ECHO = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

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
    const { token } = await rocketride.use({ pipeline: ECHO });
    const overHttp = await rocketride.http.upload('hello', token, { mimeType: 'text/plain' });
    const overWs = await rocketride.upload('hello', token, { mimeType: 'text/plain' });
    expect(overHttp.text).toEqual(['hello\n\n']);
    expect(overHttp.result_types).toEqual({ text: 'text' });
    expect(Object.keys(overHttp).sort()).toEqual(Object.keys(overWs).sort());
    const pipes = rocketride.engine!.pipes({ token });
    expect(pipes.map((p) => p.state)).toEqual(['closed', 'closed']);
  });

  it('follows a changed credential', async () => {
    rocketride = await connect({ embedded: { apiKey: 'K' }, auth: 'K', env: {} });
    const { token } = await rocketride.use({ pipeline: ECHO });
    rocketride.setConnectionParams({ auth: 'not-the-key' });
    await expect(rocketride.http.upload('x', token)).rejects.toBeInstanceOf(AuthenticationError);
    rocketride.setConnectionParams({ auth: 'K' });
    await expect(rocketride.http.upload('x', token)).resolves.toHaveProperty('objectId');
  });

  it('needs no WebSocket: a client that never connected uploads over HTTP', async () => {
    engine = await startEngine({ apiKey: 'K' });
    const starter = new RocketRide({ uri: engine.uri, auth: 'K', env: {} });
    await starter.connect();
    const { token } = await starter.use({ pipeline: ECHO });
    await starter.disconnect();
    rocketride = new RocketRide({ uri: engine.uri, env: { ROCKETRIDE_APIKEY: 'K' } });
    const result = await rocketride.http.upload(Buffer.from('no socket'), token, { name: 'n.txt' });
    expect(result.text).toEqual(['no socket\n\n']);
    expect(rocketride.isConnected()).toBe(false);
  });

  it('the README tour: a file into a pipeline over HTTP', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rr-tour-'));
    const [pipelineFile, notes] = [join(dir, 'echo.json'), join(dir, 'notes.txt')];
    await writeFile(pipelineFile, JSON.stringify(ECHO));
    await writeFile(notes, 'first line\nsecond line');
    // --- snippet (README "HTTP uploads") ---
    rocketride = await connect({ embedded: true });
    const { token } = await rocketride.use({ filepath: pipelineFile, useExisting: true });
    const result = await rocketride.http.upload({ path: notes }, token); // POST /task/data?token=…
    // --- end of snippet ---
    expect(result.name).toBe('notes.txt');
    expect(result.text).toEqual(['first line\nsecond line\n\n']);
  });
});

