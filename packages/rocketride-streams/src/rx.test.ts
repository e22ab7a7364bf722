import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ofType, type RocketRide } from './index.js';

let client: RocketRide | undefined;
afterEach(async () => {
  await client?.disconnect();
  client = undefined;
});

describe('the façade exposes the Observables', () => {
  it('events$(token).pipe(ofType(...)), status$, task$ and connection$ on the connected client', async () => {
    client = await connect({ embedded: true, env: {} });
    const rr = client;
    const task = await rr.use({ pipeline: ECHO_PIPELINE });
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
