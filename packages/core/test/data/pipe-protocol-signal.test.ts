import { afterEach, describe, expect, it } from 'vitest';
import { RocketRideClient } from '../../src/client/client.js';
import type { DAPRequest } from '../../src/codec/types.js';
import { pipeClose, pipeOpen } from '../../src/data/pipe-protocol.js';
import { AbortError, PipeError } from '../../src/errors/index.js';
import { guardProcess } from '../../src/test-helpers/process-guard.js';
import { caught, until } from '../helpers/held-steps.js';
import { defaultHandler, type RawContext, type RawServer, startRawServer } from '../../src/test-helpers/raw-server.js';

/**
 * The caller's signal on pipeOpen and pipeClose, against a raw server that never answers
 * `rrext_process`: it reaches the open request (the engine may hold an open while the task's pipe
 * slots are taken), and a close given a signal that never aborts still reports a missing answer as
 * a timeout, not as an abort.
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

afterEach(async () => {
  await client?.disconnect();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(): Promise<Array<{ request: DAPRequest; ctx: RawContext }>> {
  const held: Array<{ request: DAPRequest; ctx: RawContext }> = [];
  server = await startRawServer((request, ctx) => {
    if (request.command !== 'rrext_process') return defaultHandler(request, ctx);
    held.push({ request, ctx });
  });
  client = new RocketRideClient({ uri: server.uri, auth: 'K', env: {} });
  await client.connect();
  return held;
}

describe('pipeOpen({ signal })', () => {
  it('an abort while the engine holds the open ends the wait with ERR_ABORTED', async () => {
    const held = await setup();
    const ac = new AbortController();
    const opening = caught(pipeOpen(client!, 'TK', { name: 'a.txt' }, 'text/plain', { signal: ac.signal }));
    await until(() => held.length === 1);
    ac.abort();
    const error = await opening;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', message: 'Request "rrext_process" was aborted' });
    expect(held.map((h) => h.request.arguments?.subcommand)).toEqual(['open']);
  });
});

describe('pipeClose({ signal, timeout })', () => {
  it('with a signal that never aborts, no answer in time is "no answer came within", not an abort', async () => {
    const held = await setup();
    const ac = new AbortController();
    const error = await caught(pipeClose(client!, 'TK', 7, { signal: ac.signal, timeout: 50 }));
    expect(error).toBeInstanceOf(PipeError);
    expect(error).toMatchObject({
      code: 'ERR_COMMIT_UNKNOWN',
      message: 'The close of pipe 7 was sent but no answer came within 50 ms; the object may or may not have been committed',
    });
    expect(held.map((h) => h.request.arguments?.subcommand)).toEqual(['close']);
  });
});
