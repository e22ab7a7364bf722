import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { connect } from 'rocketride-streams';
import { createApp } from '../examples/app.js';
import { ECHO } from '../examples/echo-pipeline.js';
import { main } from '../examples/main.js';
import { storeRoundTrip } from '../examples/store.js';
import { closeServer, listen } from './test-support/fixture.js';

delete process.env.ROCKETRIDE_URI; // the examples run on the embedded simulator here

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const source = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');

describe('README examples', () => {
  it('the app uploads a body and serves the task events', async () => {
    const { result, firstEvent } = await main();
    expect(result).toMatchObject({ name: 'hello.txt', text: ['Hello, pipeline!\n\n'] });
    expect(firstEvent).toBe('apaevt_status_update');
  });

  it('the app takes the task token from the path on /tasks/:token/upload', async () => {
    const rocketride = await connect({ embedded: true, env: {} });
    const server = createServer(createApp(rocketride, 'unused'));
    try {
      const { token } = await rocketride.use({ pipeline: ECHO });
      const base = await listen(server);
      const res = await fetch(`${base}/tasks/${token}/upload?name=a.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'abc' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ name: 'a.txt', text: ['abc\n\n'] });
      expect(rocketride.engine!.pipes({ token }).at(-1)!.received.toString()).toBe('abc');
    } finally {
      await closeServer(server);
      await rocketride.disconnect();
    }
  });

  it('the store app puts a file into the store and gets the same bytes back', async () => {
    const { stored, same } = await storeRoundTrip();
    expect(stored).toEqual({ path: 'uploads/data.bin', size: 8 * 1024 * 1024 });
    expect(same).toBe(true);
  });

  it('the README shows the example files verbatim', () => {
    for (const file of ['app.ts', 'main.ts', 'store.ts']) expect(readme).toContain(source(file).trim());
  });
});
