import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, connect, type RocketRide } from './index.js';

const ECHO = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

let rocketride: RocketRide | undefined;
afterEach(async () => {
  await rocketride?.disconnect();
  rocketride = undefined;
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
});
