import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ProtocolError, type RocketRideError } from '../errors/index.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawHandler, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import { PendingRequests } from '../transport/pending.js';
import type { RocketRideClient } from '../client/client.js';

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

/** Answers what an `onSSE` pipe needs: the task's scope, the monitor, and open/write/close of pipe 0. */
const pipeEngine: RawHandler = (req, ctx) => {
  const sub = req.arguments?.subcommand;
  if (req.command === 'rrext_get_task_status') ctx.reply({ project_id: 'p', source: 's' });
  else if (req.command === 'rrext_monitor') ctx.reply({});
  else if (req.command === 'rrext_process' && sub === 'open') ctx.reply({ pipe_id: 0 });
  else if (req.command === 'rrext_process' && sub === 'write') ctx.reply();
  else if (req.command === 'rrext_process' && sub === 'close') ctx.reply({ objectId: 'o', text: ['ok'] });
  else defaultHandler(req, ctx);
};

async function connected(handler?: RawHandler) {
  server = await raw.start(handler);
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
  const problems: RocketRideError[] = [];
  client.on('protocolError', (e) => problems.push(e));
  await client.connect();
  return { client, server, problems };
}

describe('apaevt_sse while a pipe with an SSE callback is open', () => {
  it('a body of null is reported (ERR_FRAME_INVALID) and dropped: the callback is not called, the pipe still commits', async () => {
    const { client, server, problems } = await connected(pipeEngine);
    const seen: Array<[string, Record<string, unknown>]> = [];
    const pipe = await client.openPipe('T', { name: 'a.txt' }, 'text/plain', { onSSE: (type, data) => void seen.push([type, data]) }).open();
    server.broadcast('{"type":"event","seq":1,"event":"apaevt_sse","body":null}');
    server.broadcast('{"type":"event","seq":2,"event":"apaevt_sse","body":{"pipe_id":0,"__id":"T.s","type":"answer","data":{"n":1}}}');
    await pipe.write(Buffer.from('x'));
    expect(problems.map((p) => [p.code, p.message])).toEqual([['ERR_FRAME_INVALID', '"apaevt_sse" event without a body object']]);
    expect(seen).toEqual([['answer', { n: 1 }]]);
    await expect(pipe.close()).resolves.toEqual({ objectId: 'o', text: ['ok'] });
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('bodies with fields of the wrong types reach no callback or reach it normalised; nothing throws', async () => {
    const { client, server, problems } = await connected(pipeEngine);
    const seen: Array<[string, Record<string, unknown>]> = [];
    const pipe = await client.openPipe('T', { name: 'a.txt' }, 'text/plain', { onSSE: (type, data) => void seen.push([type, data]) }).open();
    const bodies = [
      { pipe_id: '0', __id: 'T.s', type: 'a' }, // pipe id not a number: routed nowhere
      { pipe_id: 0, __id: 5, type: 'b' }, // task id not a string: matches no exact route
      { pipe_id: 0, __id: 'T.s', type: 5, data: [1, 2] }, // type and data of the wrong shape
      { pipe_id: 0, __id: 'T.s', type: 'c', data: null },
    ];
    for (const [i, body] of bodies.entries()) server.broadcast(JSON.stringify({ type: 'event', seq: i + 1, event: 'apaevt_sse', body }));
    await pipe.write(Buffer.from('x'));
    expect(problems).toEqual([]);
    expect(seen).toEqual([
      ['', {}],
      ['c', {}],
    ]);
    await pipe.close();
    await expect(client.ping()).resolves.toBeUndefined();
  });
});

describe('the receive path has a last resort', () => {
  it('an exception while handling a frame becomes ERR_RECEIVE_FAILED on protocolError and fails the request the frame answers', async () => {
    const { client, problems } = await connected();
    // Fault injection: the next response handling throws, as a bug in the client would.
    vi.spyOn(PendingRequests.prototype, 'resolve').mockImplementationOnce(() => {
      throw new TypeError('injected bug');
    });
    const error = (await client.ping().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_RECEIVE_FAILED');
    expect(error.message).toBe('The client failed to handle a frame: injected bug');
    expect((error.cause as Error).message).toBe('injected bug');
    expect(problems).toEqual([error]);
    await expect(client.ping()).resolves.toBeUndefined();
    expect(client.isConnected()).toBe(true);
  });
});

// ---- property: no frame, however built, throws out of the receive path ----------------------------

const EVENT_NAMES = ['apaext_account', 'apaevt_sse', 'apaevt_task', 'apaevt_status_update', 'output', '__proto__', 'constructor'];
/** Placeholders swapped into the JSON text after stringifying (fast-check cannot build these keys or depths safely). */
const PROTO_KEY = 'PROTO_KEY_PLACEHOLDER';
const DEEP = 'DEEP_VALUE_PLACEHOLDER';
const DEEP_JSON = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;

const anyJson = fc.jsonValue({ maxDepth: 2 });
const special = fc.constantFrom(null, '', 0, -1, 1.5, 1e300, [], {}, true);
const KEYS = [PROTO_KEY, 'constructor', 'pipe_id', 'type', 'data', 'userToken', '__id', 'action', 'tasks'];
// A 20,000-deep value takes ~40 ms to parse: rare, but present in a few frames of the run.
const bodyArb = fc.oneof(
  { arbitrary: fc.constant(DEEP), weight: 1 },
  { arbitrary: special, weight: 10 },
  { arbitrary: anyJson, weight: 10 },
  { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(special, anyJson), { maxKeys: 5 }), weight: 10 },
);
const envelopeArb = fc.record(
  {
    type: fc.oneof(fc.constantFrom('response', 'event', 'request'), anyJson),
    seq: fc.oneof(fc.integer(), special, anyJson),
    // Never one of the client's own request numbers, so a frame cannot answer the check's ping.
    request_seq: fc.oneof(fc.integer({ min: 1_000_000 }), fc.integer({ max: 0 }), special),
    event: fc.oneof(fc.constantFrom(...EVENT_NAMES), special),
    command: fc.oneof(fc.constantFrom('rrext_ping', 'auth'), special),
    success: fc.oneof(fc.boolean(), special),
    message: fc.oneof(fc.string(), special),
    body: bodyArb,
    arguments: bodyArb,
  },
  { requiredKeys: [] },
);
const toText = (value: unknown) =>
  JSON.stringify(value).replaceAll(`"${PROTO_KEY}"`, '"__proto__"').replaceAll(`"${DEEP}"`, DEEP_JSON);
const frameArb = fc.oneof(
  envelopeArb.map((e) => ({ data: toText(e), binary: false })),
  fc.tuple(envelopeArb, fc.uint8Array({ maxLength: 32 })).map(([e, payload]) => ({
    data: Buffer.concat([Buffer.from(`${toText(e)}\n`), payload]),
    binary: true,
  })),
  fc.tuple(fc.oneof(anyJson, special), fc.boolean()).map(([v, binary]) => ({ data: Buffer.from(toText(v)), binary })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
);

describe('receive never throws', () => {
  it('on arbitrary JSON and binary frames (seeded): every problem is coded, and a ping afterwards succeeds', async () => {
    const { client, server, problems } = await connected();
    let frames = 0;
    await fc.assert(
      fc.asyncProperty(frameArb, async ({ data, binary }) => {
        frames += 1;
        server.broadcast(data, binary);
        await client.ping();
        expect(client.isConnected()).toBe(true);
      }),
      { seed: 0x1ee7, numRuns: 250 },
    );
    expect(frames).toBe(250);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toBeInstanceOf(ProtocolError);
      expect(p.code).toMatch(/^ERR_FRAME_/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
