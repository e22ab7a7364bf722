import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { useEngines } from '../helpers/engine.js';

/** The echo pipeline under a project of this file's own. */
const PIPELINE = { ...ECHO_PIPELINE, project_id: '9a3e5c71-0d2b-4c8f-b6e4-1f7a2d9c0b35' };

const h = useEngines();

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('timed out');
}

describe('DataPipe across a reconnect (persist mode)', () => {
  it('a pipe opened on a lost connection refuses to write or close on the next one (its pipe id may be reused)', async () => {
    const { engine, client } = await h.connected({}, { persist: true, reconnectDelay: 5, maxReconnectDelay: 5 });
    const { token } = await client.use({ pipeline: PIPELINE, token: 'dp-reconnect' });
    const pipe = await client.openPipe(token, { name: 'a.bin' }).open();
    await pipe.write(new Uint8Array([1, 2, 3]));
    const generation = client.generation;
    engine.faults.closeAfterFrames(1);
    await client.ping().catch(() => {});
    await until(() => client!.generation > generation && client!.isConnected());
    const writesBefore = engine.requests().filter((r) => r.arguments.subcommand === 'write').length;
    const write = pipe.write(new Uint8Array([4, 5, 6]));
    await expect(write).rejects.toBeInstanceOf(ConnectionError);
    await expect(write).rejects.toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    await expect(pipe.close()).rejects.toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    expect(engine.requests().filter((r) => r.arguments.subcommand === 'write')).toHaveLength(writesBefore);
    expect(engine.requests().filter((r) => r.arguments.subcommand === 'close')).toHaveLength(0);
  });

  it('an idle pipe learns of the loss at once: by the public "disconnected" event it is no longer open', async () => {
    const { engine, client } = await h.connected({}, { persist: true, reconnectDelay: 5, maxReconnectDelay: 5 });
    const { token } = await client.use({ pipeline: PIPELINE, token: 'dp-lost-idle' });
    const pipe = await client.openPipe(token, { name: 'b.bin' }).open();
    expect(pipe.isOpened).toBe(true);
    const seen: boolean[] = [];
    client.on('disconnected', () => seen.push(pipe.isOpened));
    engine.faults.closeAfterFrames(0);
    await client.ping().catch(() => {});
    await until(() => seen.length === 1);
    expect(seen).toEqual([false]);
    await expect(pipe.write(new Uint8Array([1]))).rejects.toMatchObject({
      code: 'ERR_CONNECTION_LOST',
      message: 'The connection this pipe was opened on was lost; the pipe went with it and the object was not committed',
    });
  });
});
