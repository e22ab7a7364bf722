import { describe, expect, it } from 'vitest';
import { ExecutionError, PipeError, ProtocolError, RocketRideError } from '../errors/index.js';
import { guardProcess } from '../test-helpers/process-guard.js';
import { defaultHandler, type RawServer } from '../test-helpers/raw-server.js';
import { useRawServers } from '../test-helpers/raw-fixture.js';
import { RocketRideClient } from '../client/client.js';

/**
 * Bug 3 of issue 9: every rejection carries a documented code, whatever the engine answers. Each
 * case below answers one command with a hostile body (written as raw JSON text, since some cannot be
 * built with JSON.stringify) and checks the class, code and message of the outcome, then that the
 * connection still serves a ping.
 */

guardProcess();

let server: RawServer | undefined;
let client: RocketRideClient | undefined;

const raw = useRawServers();

const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * A server answering `command` (or `command:subcommand`) with `success:true` and the raw body text
 * given for it; every other command as the default handler does. Pipes get id 0 and acknowledged writes.
 */
async function connected(bodies: Record<string, string>) {
  let seq = 100;
  server = await raw.start((req, ctx) => {
    const sub = req.arguments?.subcommand;
    const key = typeof sub === 'string' && bodies[`${req.command}:${sub}`] !== undefined ? `${req.command}:${sub}` : req.command;
    const body = bodies[key];
    if (body !== undefined) {
      seq += 1;
      ctx.ws.send(`{"type":"response","seq":${seq},"request_seq":${req.seq},"command":${JSON.stringify(req.command)},"success":true,"body":${body}}`);
    } else if (req.command === 'rrext_process' && sub === 'open') ctx.reply({ pipe_id: 0 });
    else if (req.command === 'rrext_process' && sub === 'write') ctx.reply();
    else defaultHandler(req, ctx);
  });
  client = raw.client({ uri: server.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
  await client.connect();
  return client;
}

interface Rejection {
  name: string;
  bodies: Record<string, string>;
  call: (c: RocketRideClient) => Promise<unknown>;
  type: new (...args: never[]) => RocketRideError;
  code: string;
  message: string;
}

const PIPELINE = { components: [] };

const REJECTIONS: Rejection[] = [
  { name: 'execute answered with body null', bodies: { execute: 'null' }, call: (c) => c.use({ pipeline: PIPELINE }), type: ExecutionError, code: 'ERR_NO_TASK_TOKEN', message: 'The engine did not return a task token' },
  { name: 'execute answered with a token that is not a string', bodies: { execute: '{"token":5}' }, call: (c) => c.use({ pipeline: PIPELINE }), type: ExecutionError, code: 'ERR_NO_TASK_TOKEN', message: 'The engine did not return a task token' },
  { name: 'execute answered with a string body', bodies: { execute: '"tk_x"' }, call: (c) => c.use({ pipeline: PIPELINE }), type: ProtocolError, code: 'ERR_FRAME_INVALID', message: '"body" must be an object' },
  { name: 'task status answered with body null', bodies: { rrext_get_task_status: 'null' }, call: (c) => c.getTaskStatus('T'), type: ExecutionError, code: 'ERR_TASK_STATUS', message: 'The engine returned no task status' },
  { name: 'task status answered with an array body', bodies: { rrext_get_task_status: '[]' }, call: (c) => c.getTaskStatus('T'), type: ProtocolError, code: 'ERR_FRAME_INVALID', message: '"body" must be an object' },
  { name: 'the server probe answered with body null', bodies: { rrext_public_probe: 'null' }, call: (c) => c.getServerInfo(), type: RocketRideError, code: 'ERR_SERVER_INFO', message: 'Server probe failed: the engine returned no server information' },
  { name: 'open answered with body null', bodies: { 'rrext_process:open': 'null' }, call: (c) => c.send('T', 'x'), type: PipeError, code: 'ERR_PIPE_OPEN', message: 'Failed to open a data pipe: the engine replied without a pipe_id (the open failed on the engine)' },
  { name: 'close answered with body null', bodies: { 'rrext_process:close': 'null' }, call: (c) => c.send('T', 'x'), type: PipeError, code: 'ERR_PIPE_CLOSE', message: 'Failed to close a data pipe: the engine replied without a result (the close failed on the engine)' },
  {
    name: 'a close result whose error is nested 20,000 deep',
    bodies: { 'rrext_process:close': `{"objectId":"o","error":${deepJson(20_000)}}` },
    call: (c) => c.send('T', 'x'),
    type: PipeError,
    code: 'ERR_PIPE_RESULT',
    message: 'The pipeline failed the object: an error value that cannot be serialised (object, e.g. nested too deeply)',
  },
  {
    name: 'a close result whose error is a huge array',
    bodies: { 'rrext_process:close': `{"objectId":"o","error":[${Array.from({ length: 5_000 }, () => '"xxxxxxxxxx"').join(',')}]}` },
    call: (c) => c.send('T', 'x'),
    type: PipeError,
    code: 'ERR_PIPE_RESULT',
    message: `The pipeline failed the object: [${Array.from({ length: 5_000 }, () => '"xxxxxxxxxx"').join(',').slice(0, 1999)}…`,
  },
  { name: 'a close result whose error has a message', bodies: { 'rrext_process:close': '{"objectId":"o","error":{"message":"bad PDF","code":7}}' }, call: (c) => c.send('T', 'x'), type: PipeError, code: 'ERR_PIPE_RESULT', message: 'The pipeline failed the object: bad PDF' },
];

describe('a hostile reply rejects with a documented code', () => {
  it.each(REJECTIONS)('$name', async ({ bodies, call, type, code, message }) => {
    const c = await connected(bodies);
    const error = (await call(c).then(
      () => 'resolved',
      (e: unknown) => e,
    )) as RocketRideError;
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    await expect(c.ping()).resolves.toBeUndefined();
    expect(c.getConnectionInfo().pendingRequests).toBe(0);
  });

  it('the server probe on a socket of its own: body null rejects ERR_SERVER_INFO, a malformed reply its ProtocolError', async () => {
    for (const [body, code, message] of [
      ['null', 'ERR_SERVER_INFO', 'Server probe failed: the engine returned no server information'],
      ['5', 'ERR_FRAME_INVALID', '"body" must be an object'],
    ] as const) {
      server = await raw.start((req, ctx) => {
        ctx.ws.send(`{"type":"response","seq":1,"request_seq":${req.seq},"command":"rrext_public_probe","success":true,"body":${body}}`);
      });
      // Not connected: the probe opens its own socket. connectTimeout bounds a broken test only.
      const c = new RocketRideClient({ uri: server.uri, env: {}, connectTimeout: 5_000 });
      const error = (await c.getServerInfo().catch((e: unknown) => e)) as RocketRideError;
      expect([error.code, error.message]).toEqual([code, message]);
      await server.close();
      server = undefined;
    }
  });
});

describe('a reply of the wrong shape resolves with a value of the documented shape', () => {
  it('getTasks keeps only object entries; getServices always has services; getTaskPipeline and getTaskToken ignore wrong types', async () => {
    const c = await connected({
      rrext_get_tasks: '{"tasks":[null,5,"x",[],{"token":"t","name":"n"}]}',
      rrext_services: '{"services":5,"version":"1"}',
      rrext_get_pipeline: '{"pipeline":"not an object"}',
      rrext_get_token: '{"token":{"nested":true}}',
      rrext_validate: 'null',
    });
    await expect(c.getTasks()).resolves.toEqual([{ token: 't', name: 'n' }]);
    await expect(c.getServices()).resolves.toEqual({ services: {}, version: '1' });
    await expect(c.getTaskPipeline('T')).resolves.toBeUndefined();
    await expect(c.getTaskToken({ projectId: 'p', source: 's' })).resolves.toBeUndefined();
    await expect(c.validate({ components: [] })).resolves.toEqual({});
  });

  it('getTasks and getServices answered with body null give the empty shapes', async () => {
    const c = await connected({ rrext_get_tasks: 'null', rrext_services: 'null' });
    await expect(c.getTasks()).resolves.toEqual([]);
    await expect(c.getServices()).resolves.toEqual({ services: {} });
  });
});
