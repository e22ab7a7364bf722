import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';

const h = useEngines();

type Call = (client: RocketRideClient, token: string) => unknown;

/** Each bad argument of a data entry point, with the error it must give before anything is sent. */
const CASES: Array<[entry: string, call: Call, message: string]> = [
  ['send: token 42', (c) => c.send(42 as never, 'x'), 'token must be a non-empty string'],
  ['send: token ""', (c) => c.send('', 'x'), 'token must be a non-empty string'],
  ['send: mimetype 42', (c, t) => c.send(t, 'x', undefined, 42 as never), 'mimetype must be a non-empty string'],
  ['send: objinfo "x"', (c, t) => c.send(t, 'x', 'x' as never), 'objinfo must be an object'],
  ['send: objinfo.name 42', (c, t) => c.send(t, 'x', { name: 42 }), 'objinfo.name must be a string'],
  ['send: objinfo.size -1', (c, t) => c.send(t, 'x', { size: -1 }), 'objinfo.size must be a non-negative integer'],
  ['send: options null', (c, t) => c.send(t, 'x', undefined, undefined, null as never), 'options must be an object'],
  ['send: signal "x"', (c, t) => c.send(t, 'x', undefined, undefined, { signal: 'x' as never }), 'options.signal must be an AbortSignal'],
  ['send: onSSE 5', (c, t) => c.send(t, 'x', undefined, undefined, { onSSE: 5 as never }), 'options.onSSE must be a function'],
  [
    'send: writeTimeout -1',
    (c, t) => c.send(t, 'x', undefined, undefined, { writeTimeout: -1 }),
    'options.writeTimeout must be an integer number of milliseconds from 0 to 2147483647',
  ],
  [
    'send: closeTimeout 2^31',
    (c, t) => c.send(t, 'x', undefined, undefined, { closeTimeout: 2 ** 31 }),
    'options.closeTimeout must be an integer number of milliseconds from 0 to 2147483647',
  ],
  ['openPipe: token ""', (c) => c.openPipe(''), 'token must be a non-empty string'],
  ['openPipe: provider 5', (c, t) => c.openPipe(t, {}, undefined, { provider: 5 as never }), 'options.provider must be a non-empty string'],
  ['openPipe: options null', (c, t) => c.openPipe(t, {}, undefined, null as never), 'options must be an object'],
  ['openPipe: objinfo []', (c, t) => c.openPipe(t, [] as never), 'objinfo must be an object'],
  ['openPipe: objinfo.size 1.5', (c, t) => c.openPipe(t, { size: 1.5 }), 'objinfo.size must be a non-negative integer'],
  ['openPipe: mimetype ""', (c, t) => c.openPipe(t, {}, ''), 'mimeType must be a non-empty string'],
  ['DataPipe.open: signal "x"', (c, t) => c.openPipe(t, {}).open({ signal: 'x' as never }), 'options.signal must be an AbortSignal'],
  ['DataPipe.open: options null', (c, t) => c.openPipe(t, {}).open(null as never), 'options must be an object'],
  ['sendFiles: options null', (c, t) => c.sendFiles(['a'], t, null as never), 'options must be an object'],
  ['sendFiles: signal "x"', (c, t) => c.sendFiles(['a'], t, { signal: 'x' as never }), 'options.signal must be an AbortSignal'],
  ['sendFiles: concurrency 0', (c, t) => c.sendFiles(['a'], t, { concurrency: 0 }), 'concurrency must be an integer from 1 to 256'],
  ['sendFiles: objinfo.name 42', (c, t) => c.sendFiles([['a', { name: 42 }]], t), 'files[0]: objinfo.name must be a string'],
  ['sendFiles: objinfo.size -1', (c, t) => c.sendFiles([['a', { size: -1 }]], t), 'files[0]: objinfo.size must be a non-negative integer'],
  ['sendFiles: mimetype 42', (c, t) => c.sendFiles([['a', {}, 42 as never]], t), 'files[0]: mimetype must be a non-empty string'],
  ['sendFiles: token 42', (c) => c.sendFiles(['a'], 42 as never), 'token must be a non-empty string'],
  ['chat: options null', (c) => c.chat(null as never), 'options must be an object'],
  ['chat: token ""', (c) => c.chat({ token: '', question: 'q' }), 'token must be a non-empty string'],
  ['chat: signal "x"', (c, t) => c.chat({ token: t, question: 'q', signal: 'x' as never }), 'options.signal must be an AbortSignal'],
  ['chat: onSSE 5', (c, t) => c.chat({ token: t, question: 'q', onSSE: 5 as never }), 'options.onSSE must be a function'],
];

describe('data entry points refuse bad arguments with a coded ValidationError before anything is sent', () => {
  it.each(CASES)('%s', async (_name, call, message) => {
    const { engine, client } = await h.connected();
    const { token } = await client.use({ pipeline: ECHO_PIPELINE, token: 'args-task' });
    let error: unknown;
    try {
      await call(client, token);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.requests().filter((r) => r.command === 'rrext_process' || r.command === 'rrext_monitor')).toEqual([]);
  });
});
