import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '@rocketride-streams/core';
import { ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { createPipe } from './pipe-writable.js';

/** The echo pipeline under a project of this file's own. */
const PIPELINE = { ...ECHO_PIPELINE, project_id: '0c6e2d4b-9a51-4f7e-8d23-5b1a7c9e3f60' };

let engine: Engine | undefined;
let client: RocketRideClient | undefined;
afterEach(async () => {
  await client?.disconnect().catch(() => {});
  await engine?.close();
  client = undefined;
  engine = undefined;
});

describe('text mode segment cuts', () => {
  it('a buffer of exactly maxWriteBytes that ends inside a character is not sent with half of it', async () => {
    engine = await startEngine();
    client = new RocketRideClient({ uri: engine.uri, auth: 'k', env: {} });
    await client.connect();
    const { token } = await client.use({ pipeline: PIPELINE, token: `cut-${process.pid}` });
    const euro = Buffer.from('€'); // 3 bytes
    const sink = createPipe(client, token, { mimeType: 'text/plain', maxWriteBytes: 8 });
    // 6 ASCII bytes + the first 2 bytes of '€' = exactly maxWriteBytes, then the last byte.
    await new Promise<void>((resolve, reject) => sink.write(Buffer.concat([Buffer.from('abcdef'), euro.subarray(0, 2)]), (e) => (e ? reject(e) : resolve())));
    sink.end(euro.subarray(2));
    const result = await sink.result;
    expect(engine.pipes().at(-1)!.received.toString()).toBe('abcdef€');
    const writes = engine.requests().filter((r) => r.arguments.subcommand === 'write').map((r) => r.dataBytes);
    expect(writes).toEqual([6, 3]);
    expect(result.text).toEqual(['abcdef\n\n€\n\n']);
  });
});
