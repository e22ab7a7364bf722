import { afterEach, describe, expect, it } from 'vitest';
import { createPipe } from './pipe-writable.js';
import { type Fixture, startFixture } from './test-support/fixture.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('text mode segment cuts', () => {
  it('a buffer of exactly maxWriteBytes that ends inside a character is not sent with half of it', async () => {
    fx = await startFixture();
    const { engine, client, token } = fx;
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
