import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ofType, type RocketRide } from './index.js';

const PIPELINE = {
  components: [
    { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source', type: 'webhook', hideForm: true } },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

let client: RocketRide | undefined;
afterEach(async () => {
  await client?.disconnect();
  client = undefined;
});

describe('the façade exposes the Observables', () => {
  it('events$(token).pipe(ofType(...)), status$, task$ and connection$ on the connected client', async () => {
    client = await connect({ embedded: true, env: {} });
    const rr = client;
    const task = await rr.use({ pipeline: PIPELINE });
    expect(await firstValueFrom(rr.connection$())).toMatchObject({ state: 'connected' });
    const status = await firstValueFrom(rr.events$(task.token).pipe(ofType('apaevt_status_update')));
    expect(status.body.state).toBe(3);
    const done = firstValueFrom(rr.status$(task.token).pipe(filter((s) => s.completed)));
    const ended = firstValueFrom(rr.task$(task.token).pipe(filter((s) => s.action === 'end')));
    await firstValueFrom(rr.status$(task.token)); // subscribed and caught up
    await rr.terminate(task.token);
    expect((await done).state).toBe(6);
    expect((await ended).action).toBe('end');
  });
});
