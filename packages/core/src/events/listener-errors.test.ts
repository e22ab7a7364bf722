import { describe, expect, it } from 'vitest';
import { RocketRideError } from '../errors/index.js';
import type { RocketRideEvent } from '../schema/events.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import type { RocketRideClient } from '../client/client.js';

/**
 * Bug 2 of issue 9 (core side): an exception thrown by a listener or callback must never escape into
 * the socket path, nor stop the other listeners, nor become an uncaught exception, nor vanish. It is
 * an `ERR_LISTENER` RocketRideError on 'listenerError', else a process warning.
 */

const seen = guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

async function connected(options: ConstructorParameters<typeof RocketRideClient>[0] = {}) {
  server = await raw.start((req, ctx) => {
    const sub = req.arguments?.subcommand;
    if (req.command === 'rrext_get_task_status') ctx.reply({ project_id: 'p', source: 's' });
    else if (req.command === 'rrext_monitor') ctx.reply({});
    else if (req.command === 'rrext_process' && sub === 'open') ctx.reply({ pipe_id: 0 });
    else if (req.command === 'rrext_process') ctx.reply({ objectId: 'o' });
    else defaultHandler(req, ctx);
  });
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000, ...options });
  await client.connect();
  return { client, server };
}

const EVENT = '{"type":"event","seq":1,"event":"output","body":{"output":"hi"}}';

async function warnings(n: number): Promise<Error[]> {
  for (let i = 0; i < 200 && seen.listenerWarnings.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  return seen.listenerWarnings.splice(0);
}

describe('a throwing listener', () => {
  it('does not stop the next listener nor the client, and is reported on listenerError with ERR_LISTENER and its cause', async () => {
    const { client, server } = await connected();
    const thrown = new Error('listener bug');
    const after: RocketRideEvent[] = [];
    const reported: RocketRideError[] = [];
    client.on('event', () => {
      throw thrown;
    });
    client.on('event', (e) => after.push(e));
    client.on('listenerError', (e) => reported.push(e));
    server.broadcast(EVENT);
    server.broadcast(EVENT);
    await client.ping();
    expect(after).toHaveLength(2);
    expect(reported).toHaveLength(2);
    expect(reported[0]).toBeInstanceOf(RocketRideError);
    expect(reported[0]!.code).toBe('ERR_LISTENER');
    expect(reported[0]!.message).toBe('a "event" listener threw: listener bug');
    expect(reported[0]!.cause).toBe(thrown);
    expect(await warnings(0)).toEqual([]);
    expect(client.isConnected()).toBe(true);
  });

  it('with no listenerError listener, is issued as a process warning instead of an uncaught exception', async () => {
    const { client, server } = await connected();
    const delivered: RocketRideEvent[] = [];
    client.on('event', () => {
      throw 'a string, not an Error';
    });
    client.on('event', (e) => delivered.push(e));
    server.broadcast(EVENT);
    await client.ping();
    expect(delivered).toHaveLength(1);
    const [warning] = await warnings(1);
    expect(warning).toBeInstanceOf(RocketRideError);
    expect((warning as RocketRideError).code).toBe('ERR_LISTENER');
    expect(warning!.message).toBe('a "event" listener threw: a string, not an Error');
  });

  it('a listenerError listener that throws itself is issued as a warning (no loop)', async () => {
    const { client, server } = await connected();
    client.on('event', () => {
      throw new Error('first');
    });
    client.on('listenerError', () => {
      throw new Error('second');
    });
    server.broadcast(EVENT);
    await client.ping();
    const list = await warnings(1);
    expect(list.map((w) => w.message)).toEqual(['a "listenerError" listener threw: second']);
  });

  it('a throwing protocolError listener is itself reported, and the connection keeps working', async () => {
    const { client, server } = await connected();
    const reported: RocketRideError[] = [];
    client.on('protocolError', () => {
      throw new Error('protocolError listener bug');
    });
    client.on('listenerError', (e) => reported.push(e));
    server.broadcast('[1]');
    await client.ping();
    expect(reported.map((e) => e.message)).toEqual(['a "protocolError" listener threw: protocolError listener bug']);
    expect(client.isConnected()).toBe(true);
  });

  it('a throwing onEvent option callback is issued as a warning; the event still reaches the listeners', async () => {
    const { client, server } = await connected({
      onEvent: () => {
        throw new Error('onEvent bug');
      },
    });
    const delivered: RocketRideEvent[] = [];
    client.on('event', (e) => delivered.push(e));
    server.broadcast(EVENT);
    await client.ping();
    expect(delivered).toHaveLength(1);
    const list = await warnings(1);
    expect(list.map((w) => [(w as RocketRideError).code, w.message])).toEqual([['ERR_LISTENER', 'the onEvent callback threw: onEvent bug']]);
  });

  it('an onSSE callback that throws or rejects is reported on listenerError; the pipe keeps working', async () => {
    const { client, server } = await connected();
    const reported: RocketRideError[] = [];
    client.on('listenerError', (e) => reported.push(e));
    let calls = 0;
    const pipe = await client
      .openPipe('T', { name: 'a.txt' }, 'text/plain', {
        onSSE: (type) => {
          calls += 1;
          if (type === 'sync') throw new Error('sync failure');
          return Promise.reject(new Error('async failure'));
        },
      })
      .open();
    server.broadcast('{"type":"event","seq":1,"event":"apaevt_sse","body":{"pipe_id":0,"__id":"T.s","type":"sync"}}');
    server.broadcast('{"type":"event","seq":2,"event":"apaevt_sse","body":{"pipe_id":0,"__id":"T.s","type":"async"}}');
    await client.ping();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(2);
    expect(reported.map((e) => [e.code, e.message])).toEqual([
      ['ERR_LISTENER', 'an onSSE callback threw: sync failure'],
      ['ERR_LISTENER', 'an onSSE callback threw: async failure'],
    ]);
    await expect(pipe.close()).resolves.toEqual({ objectId: 'o' });
  });
});

describe('listener errors are never protocol errors', () => {
  it('a throwing event listener is not reported on protocolError', async () => {
    const { client, server } = await connected();
    const problems: RocketRideError[] = [];
    client.on('protocolError', (e) => problems.push(e));
    client.on('listenerError', () => {});
    client.on('event', () => {
      throw new Error('x');
    });
    server.broadcast(EVENT);
    await client.ping();
    expect(problems).toEqual([]);
  });
});
