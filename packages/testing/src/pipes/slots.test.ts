import { describe, expect, it } from 'vitest';
import { SlotPool } from './slots.js';

describe('SlotPool', () => {
  it('hands out the lowest free id and reuses released ones', async () => {
    const pool = new SlotPool(3);
    expect(await pool.acquire()).toBe(0);
    expect(await pool.acquire()).toBe(1);
    expect(await pool.acquire()).toBe(2);
    pool.release(1);
    pool.release(0);
    expect(await pool.acquire()).toBe(0);
    expect(await pool.acquire()).toBe(1);
  });

  it('blocks beyond capacity and wakes waiters in order', async () => {
    const pool = new SlotPool(1);
    await pool.acquire();
    const order: number[] = [];
    const a = pool.acquire().then((id) => order.push(10 + id));
    const b = pool.acquire().then((id) => order.push(20 + id));
    await Promise.resolve();
    expect(pool.waiting).toBe(2);
    expect(order).toEqual([]);
    pool.release(0);
    await a;
    expect(order).toEqual([10]);
    pool.release(0);
    await b;
    expect(order).toEqual([10, 20]);
  });

  it('rejects waiters and later acquires once closed', async () => {
    const pool = new SlotPool(1);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    await expect(pool.acquire()).rejects.toThrow('gone');
  });
});
