import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { MonitorRegistry } from './monitors.js';

describe('MonitorRegistry', () => {
  it('sends the union per key only when it changes, and removes on the last unsubscribe', () => {
    const r = new MonitorRegistry();
    expect(r.add({ token: 'T' }, ['summary'])?.args).toEqual({ token: 'T', types: ['SUMMARY'] });
    expect(r.add({ token: 'T' }, ['SUMMARY'])).toBeUndefined();
    expect(r.add({ token: 'T' }, ['TASK'])?.args).toEqual({ token: 'T', types: ['SUMMARY', 'TASK'] });
    expect(r.remove({ token: 'T' }, ['SUMMARY'])).toBeUndefined();
    expect(r.remove({ token: 'T' }, ['SUMMARY'])?.args).toEqual({ token: 'T', types: ['TASK'] });
    expect(r.remove({ token: 'T' }, ['TASK'])?.args).toEqual({ token: 'T', types: [] });
    expect(r.replay()).toEqual([]);
  });

  it('keeps project/pipe keys apart and replays every key', () => {
    const r = new MonitorRegistry();
    r.add({ projectId: 'p', source: 's' }, ['SUMMARY']);
    r.add({ projectId: 'p', source: 's', pipeId: 0 }, ['SSE']);
    expect(r.replay().map((u) => u.args)).toEqual([
      { projectId: 'p', source: 's', types: ['SUMMARY'] },
      { projectId: 'p', source: 's', pipeId: 0, types: ['SSE'] },
    ]);
  });

  it('rejects bad keys and types with ERR_INVALID_ARGUMENT', () => {
    const r = new MonitorRegistry();
    expect(() => r.add({ token: '' }, ['SUMMARY'])).toThrow(ValidationError);
    expect(() => r.add({ token: 'T' }, [''] as string[])).toThrow(ValidationError);
    expect(() => r.add({ projectId: 'p', source: 's', pipeId: -1 }, ['SSE'])).toThrow(ValidationError);
  });
});
