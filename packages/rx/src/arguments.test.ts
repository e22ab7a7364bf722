import { ValidationError } from '@rocketride-streams/core';
import { describe, expect, it } from 'vitest';
import { events$ } from './events.js';
import { sse$ } from './sse.js';
import { status$ } from './status.js';
import { task$ } from './task.js';
import { useEngines } from './test-support.js';

const h = useEngines();

/** Calls `make`, expecting a synchronous coded ValidationError; returns it. */
function refusal(make: () => unknown): ValidationError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('accepted');
}

describe('the Observable factories refuse bad arguments before anything is sent', () => {
  it('a token that is not a non-empty string: ERR_INVALID_ARGUMENT naming the factory', async () => {
    const { engine, client } = await h.connected();
    const before = engine.requests().length;
    for (const token of [42, true, {}, [], '', null]) {
      for (const [name, make] of [
        ['status$', () => status$(client, token as never)],
        ['task$', () => task$(client, token as never)],
        ['sse$', () => sse$(client, token as never)],
      ] as const) {
        const error = refusal(make);
        expect(error.code).toBe('ERR_INVALID_ARGUMENT');
        expect(error.message).toBe(`${name}: token must be a non-empty string`);
      }
    }
    expect(engine.requests().length).toBe(before);
  });

  it('options that are not an object, an onError that is not a function, a bad taskId or graceMs: ERR_INVALID_OPTION', async () => {
    const { engine, client } = await h.connected();
    const before = engine.requests().length;
    const cases: [unknown, string][] = [
      ['x', 'options must be an object'],
      [[], 'options must be an object'],
      [{ onError: 'x' }, 'onError must be a function'],
      [{ onError: 42 }, 'onError must be a function'],
      [{ graceMs: -1 }, 'graceMs must be a non-negative number'],
      [{ graceMs: Number.NaN }, 'graceMs must be a non-negative number'],
      [{ taskId: [] }, 'taskId must be a non-empty string'],
      [{ taskId: '' }, 'taskId must be a non-empty string'],
    ];
    for (const [options, message] of cases) {
      const e = refusal(() => events$(client, { token: 'T', types: ['SUMMARY'] }, options as never));
      expect([e.code, e.message]).toEqual(['ERR_INVALID_OPTION', `events$: ${message}`]);
      const s = refusal(() => status$(client, 'T', options as never));
      expect([s.code, s.message]).toEqual(['ERR_INVALID_OPTION', `status$: ${message}`]);
      const t = refusal(() => task$(client, 'T', options as never));
      expect([t.code, t.message]).toEqual(['ERR_INVALID_OPTION', `task$: ${message}`]);
    }
    expect(engine.requests().length).toBe(before);
  });
});
