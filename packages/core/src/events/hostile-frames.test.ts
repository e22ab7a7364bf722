import { describe, expect, it } from 'vitest';
import { ProtocolError, type RocketRideError } from '../errors/index.js';
import type { RocketRideEvent } from '../schema/events.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';

/**
 * Bug 1 of issue 9: nothing a server sends may throw out of the ws message handler or wedge the
 * client. Each frame below arrives while a ping is pending; the client must report a malformed one on
 * 'protocolError' with a code (and fail the ping when the frame answers it), deliver a well-formed
 * one, and keep serving pings. The process guard fails any test that left an uncaught exception, an
 * unhandled rejection or an unreported listener error.
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

const DEPTH = 20_000;
/** JSON text of an object nested DEPTH levels deep (JSON.stringify itself cannot build it). */
const deepJson = (depth = DEPTH) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArrayJson = (depth = DEPTH) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** A raw server whose next ping is held until the test has pushed its frame. */
async function session() {
  let hold = false;
  let held: { seq: number; release(): void } | undefined;
  server = await raw.start((req, ctx) => {
    if (req.command === 'rrext_ping' && hold) {
      hold = false;
      held = { seq: req.seq!, release: () => ctx.reply({ pong: true }) };
      return;
    }
    defaultHandler(req, ctx);
  });
  // requestTimeout only bounds a broken test: every outcome below comes from a frame, not a timer.
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
  const problems: RocketRideError[] = [];
  const events: RocketRideEvent[] = [];
  client.on('protocolError', (e) => problems.push(e));
  client.on('event', (e) => events.push(e));
  await client.connect();
  const c = client;
  const s = server;
  return {
    client: c,
    server: s,
    problems,
    events,
    /**
     * Sends a ping, pushes `frame(pingSeq)` while it is pending, then answers the ping. Resolves with
     * the ping's outcome: `'resolved'` or its rejection.
     */
    async during(frame: (pingSeq: number) => string | Buffer, binary = false): Promise<unknown> {
      hold = true;
      held = undefined;
      const outcome = c.ping().then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await until(() => held !== undefined, 'the held ping');
      const h = held!;
      s.broadcast(frame(h.seq), binary);
      h.release(); // After a rejection this reply is for an unknown request_seq: dropped.
      return outcome;
    },
  };
}

const response = (seq: number, extra: string) => `{"type":"response","seq":9,"request_seq":${seq},"command":"rrext_ping",${extra}}`;
const binaryFrame = (header: string, payload = 'PAYLOAD\n\u0000\u00ff') => Buffer.concat([Buffer.from(`${header}\n`), Buffer.from(payload, 'latin1')]);

interface Malformed {
  name: string;
  frame: (pingSeq: number) => string | Buffer;
  binary?: boolean;
  code: string;
  message: RegExp;
  /** Whether the frame is still recognisably the ping's reply, so the ping fails with the same error. */
  failsPing: boolean;
}

const MALFORMED: Malformed[] = [
  { name: 'a response whose body is a string', frame: (s) => response(s, '"success":true,"body":"x"'), code: 'ERR_FRAME_INVALID', message: /"body" must be an object/, failsPing: true },
  { name: 'a response whose body is a number', frame: (s) => response(s, '"success":true,"body":42'), code: 'ERR_FRAME_INVALID', message: /"body" must be an object/, failsPing: true },
  { name: 'a response whose body is an array', frame: (s) => response(s, '"success":true,"body":[1]'), code: 'ERR_FRAME_INVALID', message: /"body" must be an object/, failsPing: true },
  { name: 'a response without success', frame: (s) => response(s, '"body":{}'), code: 'ERR_FRAME_INVALID', message: /"success" must be a boolean/, failsPing: true },
  { name: 'a response whose success is null', frame: (s) => response(s, '"success":null'), code: 'ERR_FRAME_INVALID', message: /"success" must be a boolean/, failsPing: true },
  { name: 'a response whose seq is a string', frame: (s) => `{"type":"response","seq":"9","request_seq":${s},"success":true}`, code: 'ERR_FRAME_INVALID', message: /response "seq" must be an integer/, failsPing: true },
  { name: 'a response whose message is a number', frame: (s) => response(s, '"success":false,"message":5'), code: 'ERR_FRAME_INVALID', message: /"message" must be a string/, failsPing: true },
  { name: 'a response whose command is an object', frame: (s) => `{"type":"response","seq":9,"request_seq":${s},"command":{},"success":true}`, code: 'ERR_FRAME_INVALID', message: /"command" must be a string/, failsPing: true },
  { name: 'a response whose request_seq is a string', frame: (s) => `{"type":"response","seq":9,"request_seq":"${s}","success":true}`, code: 'ERR_FRAME_INVALID', message: /"request_seq" must be an integer or null/, failsPing: false },
  { name: 'a response whose request_seq is a fraction', frame: (s) => `{"type":"response","seq":9,"request_seq":${s}.5,"success":true}`, code: 'ERR_FRAME_INVALID', message: /"request_seq" must be an integer or null/, failsPing: false },
  { name: 'a binary response whose header has success "yes"', frame: (s) => binaryFrame(response(s, '"success":"yes"')), binary: true, code: 'ERR_FRAME_INVALID', message: /"success" must be a boolean/, failsPing: true },
  { name: 'a binary response whose arguments is a string', frame: (s) => binaryFrame(response(s, '"success":true,"arguments":"x"')), binary: true, code: 'ERR_FRAME_INVALID', message: /"arguments" must be an object/, failsPing: true },
  { name: 'a binary response whose arguments is an array', frame: (s) => binaryFrame(response(s, '"success":true,"arguments":[]')), binary: true, code: 'ERR_FRAME_INVALID', message: /"arguments" must be an object/, failsPing: true },
  { name: 'a binary frame whose header is an array', frame: () => binaryFrame('[1,2]'), binary: true, code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'a binary frame whose header is null', frame: () => binaryFrame('null'), binary: true, code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'a binary frame whose header is a number', frame: () => binaryFrame('7'), binary: true, code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'a binary frame whose header is a string', frame: () => binaryFrame('"event"'), binary: true, code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'a binary frame whose header is not JSON', frame: () => binaryFrame('{"type":'), binary: true, code: 'ERR_FRAME_NOT_JSON', message: /not valid JSON/, failsPing: false },
  { name: 'a binary frame that is only a newline', frame: () => Buffer.from('\n'), binary: true, code: 'ERR_FRAME_NOT_JSON', message: /not valid JSON/, failsPing: false },
  { name: 'a binary frame that is not UTF-8', frame: () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: true, code: 'ERR_FRAME_NOT_UTF8', message: /not valid UTF-8/, failsPing: false },
  { name: 'a text frame that is not JSON', frame: () => '{"type":"event","seq":', code: 'ERR_FRAME_NOT_JSON', message: /not valid JSON/, failsPing: false },
  { name: 'a text frame that is JSON null', frame: () => 'null', code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'a text frame that is a 20,000-deep array', frame: () => deepArrayJson(), code: 'ERR_FRAME_NOT_OBJECT', message: /not a JSON object/, failsPing: false },
  { name: 'an event whose event is a number', frame: () => '{"type":"event","seq":1,"event":5,"body":{}}', code: 'ERR_FRAME_INVALID', message: /"event" must be a string/, failsPing: false },
  { name: 'an event whose event is null', frame: () => '{"type":"event","seq":1,"event":null}', code: 'ERR_FRAME_INVALID', message: /"event" must be a string/, failsPing: false },
  { name: 'an event whose event is an object', frame: () => '{"type":"event","seq":1,"event":{"toString":1}}', code: 'ERR_FRAME_INVALID', message: /"event" must be a string/, failsPing: false },
  { name: 'an event whose seq is a fraction', frame: () => '{"type":"event","seq":1.5,"event":"output"}', code: 'ERR_FRAME_INVALID', message: /event "seq" must be an integer/, failsPing: false },
  { name: 'an event without seq', frame: () => '{"type":"event","event":"output"}', code: 'ERR_FRAME_INVALID', message: /event "seq" must be an integer/, failsPing: false },
  { name: 'an event whose body is a string', frame: () => '{"type":"event","seq":1,"event":"output","body":"x"}', code: 'ERR_FRAME_INVALID', message: /"body" must be an object/, failsPing: false },
  { name: 'a frame of an unknown type', frame: () => '{"type":"surprise","seq":1}', code: 'ERR_FRAME_INVALID', message: /unknown message type "surprise"/, failsPing: false },
  { name: 'a frame whose type is 20,000 deep', frame: () => `{"type":${deepJson()},"seq":1}`, code: 'ERR_FRAME_INVALID', message: /unknown message type an object/, failsPing: false },
  { name: 'a frame without type', frame: (s) => `{"seq":9,"request_seq":${s},"success":true}`, code: 'ERR_FRAME_INVALID', message: /unknown message type undefined/, failsPing: false },
  { name: 'a request from the server', frame: () => '{"type":"request","seq":1,"command":"rrext_ping"}', code: 'ERR_FRAME_UNEXPECTED', message: /Unexpected request "rrext_ping" from the server/, failsPing: false },
  { name: 'an apaext_account event whose body is null', frame: () => '{"type":"event","seq":1,"event":"apaext_account","body":null}', code: 'ERR_FRAME_INVALID', message: /"apaext_account" event without a body object/, failsPing: false },
  { name: 'an apaext_account event without body', frame: () => '{"type":"event","seq":1,"event":"apaext_account"}', code: 'ERR_FRAME_INVALID', message: /"apaext_account" event without a body object/, failsPing: false },
  { name: 'an apaevt_sse event whose body is null', frame: () => '{"type":"event","seq":1,"event":"apaevt_sse","body":null}', code: 'ERR_FRAME_INVALID', message: /"apaevt_sse" event without a body object/, failsPing: false },
];

describe('a malformed frame is reported with a code and dropped; the connection keeps working', () => {
  it.each(MALFORMED)('$name', async ({ frame, binary, code, message, failsPing }) => {
    const { client, server, problems, events, during } = await session();
    const identity = client.getConnectionInfo().connectResult;
    const outcome = await during(frame, binary);
    expect(problems).toHaveLength(1);
    const problem = problems[0]!;
    expect(problem).toBeInstanceOf(ProtocolError);
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(message);
    if (failsPing) expect(outcome).toBe(problem);
    else expect(outcome).toBe('resolved');
    expect(events).toEqual([]);
    // The session is untouched (a dropped apaext_account changes nothing) and still serves requests.
    expect(client.getConnectionInfo().connectResult).toBe(identity);
    await expect(client.ping()).resolves.toBeUndefined();
    expect(client.isConnected()).toBe(true);
    expect(client.getConnectionInfo().pendingRequests).toBe(0);
    // The frame made the client send nothing: auth, the ping it answered or not, the last ping.
    expect(server.received.map((r) => r.command)).toEqual(['auth', 'rrext_ping', 'rrext_ping']);
  });
});

describe('a well-formed frame of a hostile shape is handled without a throw', () => {
  it('an event whose body is null is delivered without a body (null and absent mean the same)', async () => {
    const { problems, events, during } = await session();
    expect(await during(() => '{"type":"event","seq":1,"event":"output","body":null}')).toBe('resolved');
    expect(problems).toEqual([]);
    expect(events).toEqual([{ type: 'event', seq: 1, event: 'output' }]);
  });

  it('__proto__ and constructor keys stay plain data: Object.prototype is untouched', async () => {
    const { client, problems, events, during } = await session();
    const frame =
      '{"type":"event","seq":1,"event":"constructor","__proto__":{"polluted":1},"body":{"__proto__":{"polluted":2},"constructor":{"prototype":{"polluted":3}},"__id":"x"}}';
    expect(await during(() => frame)).toBe('resolved');
    const account = '{"type":"event","seq":2,"event":"apaext_account","body":{"__proto__":{"polluted":4},"userId":"u"}}';
    expect(await during(() => account)).toBe('resolved');
    expect(problems).toEqual([]);
    expect(events.map((e) => e.event)).toEqual(['constructor', 'apaext_account']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(events[0]!.body as object, '__proto__')).toBe(true);
    expect(client.getConnectionInfo().connectResult?.userId).toBe('u');
  });

  it('events named __proto__ or hasOwnProperty are delivered like any other', async () => {
    const { events, problems, during } = await session();
    await during(() => '{"type":"event","seq":1,"event":"__proto__","body":{}}');
    await during(() => '{"type":"event","seq":2,"event":"hasOwnProperty"}');
    expect(problems).toEqual([]);
    expect(events.map((e) => e.event)).toEqual(['__proto__', 'hasOwnProperty']);
  });

  it('a body nested 20,000 deep is delivered (event) or ignored (ping reply) without a stack overflow', async () => {
    const { problems, events, during } = await session();
    expect(await during(() => `{"type":"event","seq":1,"event":"apaevt_status_user","body":{"notes":${deepJson()}}}`)).toBe('resolved');
    expect(await during((s) => response(s, `"success":true,"body":{"deep":${deepJson()}}`))).toBe('resolved');
    expect(problems).toEqual([]);
    expect(events.map((e) => e.event)).toEqual(['apaevt_status_user']);
  });

  it('a huge event (an 8 MiB string) is delivered', async () => {
    const { problems, events, during } = await session();
    const big = 'x'.repeat(8 * 1024 * 1024);
    expect(await during(() => `{"type":"event","seq":1,"event":"output","body":{"output":"${big}"}}`)).toBe('resolved');
    expect(problems).toEqual([]);
    expect((events[0]!.body as { output: string }).output.length).toBe(big.length);
  });

  it('a binary frame whose header has "arguments": null carries its payload at arguments.data', async () => {
    const { problems, events, during } = await session();
    const frame = binaryFrame('{"type":"event","seq":1,"event":"apaevt_blob","arguments":null}', 'abc');
    expect(await during(() => frame, true)).toBe('resolved');
    // The same header on the ping's reply: it answers the ping.
    expect(await during((s) => binaryFrame(response(s, '"success":true,"arguments":null')), true)).toBe('resolved');
    expect(problems).toEqual([]);
    const args = (events[0] as unknown as { arguments: { data: Buffer } }).arguments;
    expect(Buffer.from(args.data).toString()).toBe('abc');
  });

  it('a seq of 1e300 and a response to an unknown request_seq are accepted and dropped', async () => {
    const { problems, events, during } = await session();
    expect(await during(() => '{"type":"event","seq":1e300,"event":"output","body":{}}')).toBe('resolved');
    expect(await during(() => '{"type":"response","seq":1,"request_seq":-4,"command":null,"success":true}')).toBe('resolved');
    expect(problems).toEqual([]);
    expect(events).toHaveLength(1);
  });
});
