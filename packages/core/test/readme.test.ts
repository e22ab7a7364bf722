// The README quick start, as written (console output captured).
import { startEngine } from '@rocketride-streams/testing';
import { expect, it, vi } from 'vitest';
import { PipeError, RocketRideClient } from '../src/index.js';

it('README quick start runs', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const engine = await startEngine({ apiKey: 'my-key' });
  const client = new RocketRideClient({ uri: engine.uri, auth: 'my-key', env: {} });
  try {
    await client.connect();
    const { token } = await client.use({
      pipeline: {
        components: [
          { id: 'webhook_1', provider: 'webhook', config: { mode: 'Source' } },
          { id: 'response_1', provider: 'response', config: {}, input: [{ lane: 'text', from: 'webhook_1' }] },
        ],
        source: 'webhook_1',
      },
    });
    const result = await client.send(token, 'Hello', { name: 'hello.txt' });
    console.log(result.text);
    const pipe = await client.openPipe(token, { name: 'big.txt' }, 'text/plain').open();
    await pipe.write(Buffer.from('first chunk'));
    await pipe.write(Buffer.from('second chunk'));
    console.log((await pipe.close())?.text);
    client.on('event', (event) => console.log(event.event));
    await client.addMonitor({ token }, ['SUMMARY']);
    try {
      await client.send(token, 'x', { name: 'x.txt' });
    } catch (error) {
      if (error instanceof PipeError) console.error(error.code, error.message);
    }
    await client.terminate(token);
    expect(log.mock.calls[0]).toEqual([['Hello\n\n']]);
    expect(log.mock.calls[1]).toEqual([['first chunk\n\nsecond chunk\n\n']]);
    expect(log.mock.calls.some((c) => c[0] === 'apaevt_status_update')).toBe(true);
  } finally {
    await client.disconnect();
    await engine.close();
  }
});
