import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { MonitorRegistry, opaqueEngineKey, projectEngineKey } from './monitors.js';

const PS = projectEngineKey('p', 's');

describe('MonitorRegistry', () => {
  it('counts subscribers per type and keeps the union per key in first-subscribed order', () => {
    const r = new MonitorRegistry();
    r.add({ projectId: 'p', source: 's' }, ['summary']);
    r.add({ projectId: 'p', source: 's' }, ['SUMMARY']);
    r.add({ projectId: 'p', source: 's' }, ['TASK']);
    expect(r.union(PS)).toEqual(['SUMMARY', 'TASK']);
    expect(r.remove({ projectId: 'p', source: 's' }, ['SUMMARY'])).toBe(PS);
    expect(r.union(PS)).toEqual(['SUMMARY', 'TASK']);
    r.remove({ projectId: 'p', source: 's' }, ['SUMMARY']);
    expect(r.union(PS)).toEqual(['TASK']);
    r.remove({ projectId: 'p', source: 's' }, ['TASK']);
    expect(r.union(PS)).toEqual([]);
    expect(r.engineKeys()).toEqual([]);
    expect(r.address(PS)).toBeUndefined();
  });

  it('maps a token learned from use() onto its project/source key and sends the union of both', () => {
    const r = new MonitorRegistry();
    r.learn('T', 'p', 's');
    r.add({ token: 'T' }, ['SUMMARY']);
    r.add({ projectId: 'p', source: 's' }, ['TASK']);
    expect(r.engineKeys()).toEqual([PS]);
    expect(r.union(PS)).toEqual(['SUMMARY', 'TASK']);
    // A project subscriber's own scope is preferred (accepted even when the task is not running).
    expect(r.address(PS)).toEqual({ projectId: 'p', source: 's' });
    expect(r.remove({ projectId: 'p', source: 's' }, ['TASK'])).toBe(PS);
    expect(r.union(PS)).toEqual(['SUMMARY']);
    expect(r.address(PS)).toEqual({ token: 'T' });
  });

  it('leaves an unknown token unbound until it is resolved, then binds it for as long as it has subscribers', () => {
    const r = new MonitorRegistry();
    r.add({ token: 'T' }, ['SUMMARY']);
    expect(r.unboundTokens()).toEqual(['T']);
    expect(r.engineKeys()).toEqual([]);
    r.bind('T', opaqueEngineKey('T'));
    expect(r.engineKeyOf({ token: 'T' })).toBe(opaqueEngineKey('T'));
    // A later fact does not move a token that is already bound (its removal must reach the same key).
    r.learn('T', 'p', 's');
    expect(r.engineKeyOf({ token: 'T' })).toBe(opaqueEngineKey('T'));
    expect(r.remove({ token: 'T' }, ['SUMMARY'])).toBe(opaqueEngineKey('T'));
    // Once nobody subscribes, the next subscriber uses what was learned.
    r.add({ token: 'T' }, ['SUMMARY']);
    expect(r.engineKeyOf({ token: 'T' })).toBe(PS);
  });

  it('keeps `*` and pipe-scoped keys apart from the task key', () => {
    const r = new MonitorRegistry();
    r.learn('T', 'p', 's');
    r.add({ token: 'T' }, ['SUMMARY']);
    r.add({ projectId: 'p', source: 's', pipeId: 0 }, ['SSE']);
    r.add({ token: '*' }, ['TASK']);
    expect(r.engineKeys()).toEqual([PS, projectEngineKey('p', 's', 0), '*']);
    expect(r.address(projectEngineKey('p', 's', 0))).toEqual({ projectId: 'p', source: 's', pipeId: 0 });
    expect(r.address('*')).toEqual({ token: '*' });
    expect(r.union(PS)).toEqual(['SUMMARY']);
  });

  it('undo() removes exactly what add() registered', () => {
    const r = new MonitorRegistry();
    r.add({ projectId: 'p', source: 's' }, ['SUMMARY']);
    const reg = r.add({ projectId: 'p', source: 's' }, ['summary', 'TASK']);
    expect(r.undo(reg)).toBe(PS);
    expect(r.snapshot()).toEqual([{ key: { projectId: 'p', source: 's' }, engineKey: PS, types: { SUMMARY: 1 } }]);
  });

  it('rejects bad keys and types with ERR_INVALID_ARGUMENT', () => {
    const r = new MonitorRegistry();
    expect(() => r.add({ token: '' }, ['SUMMARY'])).toThrow(ValidationError);
    expect(() => r.add({ token: 'T' }, [''] as string[])).toThrow(ValidationError);
    expect(() => r.add({ projectId: 'p', source: 's', pipeId: -1 }, ['SSE'])).toThrow(ValidationError);
    expect(r.snapshot()).toEqual([]);
  });
});
