import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { PipeError } from '../../src/errors/index.js';
import { useEngines } from '../helpers/engine.js';
import { pipeOpen } from '../../src/data/pipe-protocol.js';

const h = useEngines();

describe.each(['intended', 'head'] as const)('open on a token with no running task (%s profile)', (profile) => {
  it('is ERR_TASK_NOT_FOUND, a PipeError with the engine message, and nothing else is sent', async () => {
    const { engine, client } = await h.connected({ profile });
    await client.use({ pipeline: ECHO_PIPELINE, token: 'T' });
    const error = await pipeOpen(client, 'no-such-task', { name: 'a.txt' }, 'text/plain').then(
      () => undefined,
      (e: unknown) => e as PipeError,
    );
    expect(error).toBeInstanceOf(PipeError);
    expect(error?.code).toBe('ERR_TASK_NOT_FOUND');
    expect(error?.message).toBe('Failed to open a data pipe: Your pipeline is not running');
    expect(error?.serverMessage).toBe('Your pipeline is not running');
    const data = engine.requests().filter((r) => r.command === 'rrext_process');
    expect(data.map((r) => r.arguments.subcommand)).toEqual(['open']);
  });
});
