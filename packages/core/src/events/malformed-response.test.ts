import { describe, expect, it } from 'vitest';
import type { DAPMessage } from '../codec/types.js';
import { ProtocolError, type RocketRideError } from '../errors/index.js';
import { defaultHandler, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

describe('a malformed response to a pending request', () => {
  it('rejects that request with the coded ProtocolError (no timeout needed) and still reports it', async () => {
    // `success` missing: fails validation although request_seq matches the ping.
    server = await raw.start((req, ctx) => {
      if (req.command !== 'rrext_ping') return defaultHandler(req, ctx);
      ctx.ws.send(JSON.stringify({ type: 'response', seq: 9, request_seq: req.seq, command: 'rrext_ping' }));
    });
    const received: DAPMessage[] = [];
    // requestTimeout only bounds the test: the request must fail with the ProtocolError, not time out.
    client = raw.client({
      uri: server.uri,
      auth: 'K',
      env: {},
      requestTimeout: 2_000,
      onProtocolMessage: (m, d) => d === 'receive' && received.push(m),
    });
    const problems: RocketRideError[] = [];
    client.on('protocolError', (e) => problems.push(e));
    await client.connect();
    const error = (await client.ping().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_FRAME_INVALID');
    expect(problems).toEqual([error]);
    expect(received.map((m) => m.type)).toEqual(['response']); // only the auth reply: the bad frame is not a message
    expect(client.getConnectionInfo().pendingRequests).toBe(0);
    expect(client.isConnected()).toBe(true);
  });

  it('also for a response cut short (not JSON at all) whose leading members name the request: ERR_FRAME_NOT_JSON at once', async () => {
    server = await raw.start((req, ctx) => {
      if (req.command !== 'rrext_ping') return defaultHandler(req, ctx);
      ctx.ws.send(`{"type":"response","seq":9,"request_seq":${req.seq},"command":"rrext_ping","success":true,"body":{"a":`);
    });
    // requestTimeout only bounds the test: without the fix the ping waits for it and fails ERR_TIMEOUT.
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
    await client.connect();
    const error = (await client.ping().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_FRAME_NOT_JSON');
    expect(client.getConnectionInfo().pendingRequests).toBe(0);
    expect(client.isConnected()).toBe(true);
  });

  it('a frame cut short that names no request, or is not a response, fails nothing', async () => {
    let pings = 0;
    server = await raw.start((req, ctx) => {
      if (req.command !== 'rrext_ping') return defaultHandler(req, ctx);
      pings++;
      // First a cut event and a cut response whose request_seq is itself cut, then the real answer.
      ctx.ws.send(`{"type":"event","seq":8,"request_seq":${req.seq},"event":"x","body":{`);
      ctx.ws.send(`{"type":"response","seq":9,"request_seq":${req.seq}`);
      defaultHandler(req, ctx);
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
    await client.connect();
    await expect(client.ping()).resolves.toBeUndefined();
    expect(pings).toBe(1);
  });

  it('also for a binary frame whose JSON header is a malformed response', async () => {
    server = await raw.start((req, ctx) => {
      if (req.command === 'rrext_ping') {
        const header = JSON.stringify({ type: 'response', seq: 9, request_seq: req.seq, command: 'rrext_ping', success: 'yes' });
        ctx.ws.send(Buffer.concat([Buffer.from(`${header}\n`), Buffer.from([1, 2, 3])]), { binary: true });
      } else {
        defaultHandler(req, ctx);
      }
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 2_000 });
    await client.connect();
    const error = (await client.ping().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_FRAME_INVALID');
  });

  it('a malformed auth reply fails connect() with the ProtocolError instead of timing out', async () => {
    server = await raw.start((req, ctx) => {
      ctx.ws.send(JSON.stringify({ type: 'response', seq: 1, request_seq: req.seq, command: 'auth', success: null }));
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {}, connectTimeout: 2_000 });
    const error = (await client.connect().catch((e: unknown) => e)) as ProtocolError;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('ERR_FRAME_INVALID');
    expect(client.isConnected()).toBe(false);
  });

  it('other malformed frames are reported and dropped; the pending request is untouched', async () => {
    let pingSeq: number | undefined;
    let send: ((text: string) => void) | undefined;
    server = await raw.start((req, ctx) => {
      if (req.command === 'rrext_ping') {
        pingSeq = req.seq;
        send = (text) => ctx.ws.send(text);
      } else {
        defaultHandler(req, ctx);
      }
    });
    client = raw.client({ uri: server.uri, auth: 'K', env: {} });
    const problems: RocketRideError[] = [];
    client.on('protocolError', (e) => problems.push(e));
    await client.connect();
    const ping = client.ping();
    for (let i = 0; i < 200 && send === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    const seq = pingSeq!;
    send!(JSON.stringify({ type: 'response', seq: 2, request_seq: seq + 100, command: 'rrext_ping' })); // unknown request_seq
    send!(JSON.stringify({ type: 'response', seq: 3, request_seq: String(seq), command: 'rrext_ping' })); // not numeric
    send!(JSON.stringify({ type: 'event', seq: 'x', request_seq: seq, event: 'apaevt_x' })); // not a response
    send!(JSON.stringify([{ type: 'response', request_seq: seq }])); // not an object
    send!(JSON.stringify({ type: 'response', seq: 4, request_seq: seq, command: 'rrext_ping', success: true, body: { pong: true } }));
    await expect(ping).resolves.toBeUndefined();
    expect(problems.map((p) => p.code)).toEqual(['ERR_FRAME_INVALID', 'ERR_FRAME_INVALID', 'ERR_FRAME_INVALID', 'ERR_FRAME_NOT_OBJECT']);
  });
});
