import { describe, expect, it } from 'vitest';
import { EngineFailure } from '../failure.js';
import { HandleTable, MAX_HANDLES_PER_CONNECTION, serial } from './handles.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const A = 'users/local/files/a.txt';

function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineFailure);
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

describe('HandleTable (PROTOCOL.md §16.C)', () => {
  it('hands out distinct UUIDv4 ids that find their handle', () => {
    const t = new HandleTable();
    const w = t.openWrite(A, 'a.txt', 1);
    const r = t.openRead(A, 1);
    expect(w.id).toMatch(UUID_V4);
    expect(r.id).toMatch(UUID_V4);
    expect(w.id).not.toBe(r.id);
    expect(t.get(w.id, 'w', 1)).toBe(w);
    expect(t.get(r.id, 'r', 1)).toBe(r);
  });

  it('allows one writer per path, from any connection, with the path as sent in the message', () => {
    const t = new HandleTable();
    t.openWrite(A, '/a.txt', 1);
    expect(failureOf(() => t.openWrite(A, 'a.txt', 1))).toBe('File already open for writing: a.txt');
    expect(failureOf(() => t.openWrite(A, '\\a.txt', 2))).toBe('File already open for writing: \\a.txt');
    // Readers take no lock.
    expect(() => t.openRead(A, 2)).not.toThrow();
  });

  it('frees the path when the lock is released, not when the handle is only removed', () => {
    const t = new HandleTable();
    const w = t.openWrite(A, 'a.txt', 1);
    t.remove(w);
    expect(t.isLocked(A)).toBe(true);
    expect(failureOf(() => t.get(w.id, 'w', 1))).toBe(`Invalid handle: ${w.id}`);
    t.unlock(A);
    expect(t.isLocked(A)).toBe(false);
    expect(() => t.openWrite(A, 'a.txt', 1)).not.toThrow();
  });

  it('limits each connection to 64 handles, read and write together; other connections are unaffected', () => {
    const t = new HandleTable();
    for (let i = 0; i < MAX_HANDLES_PER_CONNECTION - 1; i++) t.openRead(A, 7);
    const last = t.openWrite(`${A}.w`, 'a.txt.w', 7);
    expect(t.countFor(7)).toBe(64);
    expect(failureOf(() => t.openRead(A, 7))).toBe('Too many open handles for connection 7');
    expect(failureOf(() => t.openWrite(`${A}.x`, 'a.txt.x', 7))).toBe('Too many open handles for connection 7');
    expect(() => t.openRead(A, 8)).not.toThrow();
    t.remove(last);
    expect(() => t.openRead(A, 7)).not.toThrow();
  });

  it('checks the write lock before the handle limit', () => {
    const t = new HandleTable();
    t.openWrite(A, 'a.txt', 2);
    for (let i = 0; i < MAX_HANDLES_PER_CONNECTION; i++) t.openRead(A, 1);
    expect(failureOf(() => t.openWrite(A, 'a.txt', 1))).toBe('File already open for writing: a.txt');
  });

  it('reports an unknown handle, then the wrong mode, then another owner', () => {
    const t = new HandleTable();
    const w = t.openWrite(A, 'a.txt', 1);
    expect(failureOf(() => t.get('h', 'r', 1))).toBe('Invalid handle: h');
    expect(failureOf(() => t.get(undefined, 'r', 1))).toBe('Invalid handle: None');
    expect(failureOf(() => t.get(5, 'r', 1))).toBe('Invalid handle: 5');
    expect(failureOf(() => t.get(['x'], 'r', 1))).toBe("unhashable type: 'list'");
    expect(failureOf(() => t.get(w.id, 'r', 2))).toBe('Wrong handle mode: expected r, got w');
    expect(failureOf(() => t.get(w.id, 'w', 2))).toBe('Handle belongs to another connection');
    const r = t.openRead(A, 1);
    expect(failureOf(() => t.get(r.id, 'w', 1))).toBe('Wrong handle mode: expected w, got r');
  });

  it('refuses changes at or below a prefix holding a lock, then one holding a handle, with the prefix as shown', () => {
    const t = new HandleTable();
    const w = t.openWrite('users/local/files/d/x', 'd/x', 1);
    expect(failureOf(() => t.assertNoneUnder('users/local/files/d', 'users/local/files/d'))).toBe(
      'Cannot modify: file open for writing under users/local/files/d',
    );
    expect(failureOf(() => t.assertNoneUnder('users/local/files/d/x', 'users/local/files/d/x/'))).toBe(
      'Cannot modify: file open for writing under users/local/files/d/x/',
    );
    t.remove(w);
    t.unlock(w.key);
    t.openRead('users/local/files/d/y', 2);
    expect(failureOf(() => t.assertNoneUnder('users/local/files/d', 'users/local/files/d'))).toBe(
      'Cannot modify: handle open under users/local/files/d',
    );
    // A sibling that only shares the prefix string is not below it.
    expect(() => t.assertNoneUnder('users/local/files/d/y2', 'users/local/files/d/y2/')).not.toThrow();
    expect(() => t.assertNoneUnder('users/local/files/e', 'users/local/files/e')).not.toThrow();
  });

  it('lists the handles of one connection', () => {
    const t = new HandleTable();
    const a = t.openRead(A, 1);
    t.openRead(A, 2);
    const c = t.openWrite(`${A}.2`, 'a.txt.2', 1);
    expect(t.list(1)).toEqual([a, c]);
    expect(t.list()).toHaveLength(3);
  });

  it('serial() runs the operations of one handle in arrival order, past failures', async () => {
    const t = new HandleTable();
    const h = t.openRead(A, 1);
    const order: string[] = [];
    const slow = serial(h, async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('slow');
    });
    const failing = serial(h, async () => {
      order.push('failing');
      throw new Error('boom');
    });
    const fast = serial(h, async () => {
      order.push('fast');
      return 3;
    });
    await slow;
    await expect(failing).rejects.toThrow('boom');
    expect(await fast).toBe(3);
    expect(order).toEqual(['slow', 'failing', 'fast']);
  });
});
