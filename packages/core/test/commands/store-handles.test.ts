// Store handles are scarce (64 per connection, PROTOCOL.md §16.C.6) and must never outlive their use (§16.C.7).
import { describe, expect, it } from 'vitest';
import { useEngines } from '../helpers/engine.js';
import { HandleSemaphore } from '../../src/commands/store-state.js';

const h = useEngines();

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until `done()` holds; on a loaded machine 64 round trips can take longer than any fixed pause. */
async function until(done: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done() && Date.now() < end) await tick(10);
}

describe('store handles: a per-client limit of 64', () => {
  it('200 concurrent fsOpen calls wait for a free handle instead of failing with Too many open handles', async () => {
    const { client, engine } = await h.connected();
    await client.fsWriteString('many.txt', 'x');
    const opens = Array.from({ length: 200 }, () => client.fsOpen('many.txt'));
    const handles: string[] = [];
    let settled = 0;
    for (const p of opens) void p.then(({ handle }) => { handles.push(handle); settled++; });
    await until(() => settled >= 64);
    // Given time, no 65th open gets through while 64 handles are held.
    await tick(200);
    expect(settled).toBe(64);
    expect(engine.storeHandles()).toHaveLength(64);
    // Each close lets one waiting open through; the engine never sees more than 64 at a time.
    let peak = 0;
    while (settled < 200 || handles.length > 0) {
      if (handles.length === 0) {
        await tick(5);
        continue;
      }
      peak = Math.max(peak, engine.storeHandles().length);
      await client.fsClose(handles.shift()!);
    }
    await Promise.all(opens);
    expect(peak).toBe(64);
    // One fs_open per call (plus the one of fsWriteString): none was refused and retried.
    expect(engine.requests().filter((r) => r.arguments.subcommand === 'fs_open')).toHaveLength(201);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('an fsOpen aborted while it waits for a handle rejects ERR_ABORTED and sends nothing', async () => {
    const { client, engine } = await h.connected();
    await client.fsWriteString('w.txt', 'x');
    const held = await Promise.all(Array.from({ length: 64 }, () => client.fsOpen('w.txt')));
    const ctl = new AbortController();
    const waiting = client.fsOpen('w.txt', 'r', { signal: ctl.signal });
    await tick();
    const before = engine.requests().length;
    ctl.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_ABORTED', message: 'Waiting for a store handle was aborted' });
    await client.fsClose(held[0]!.handle);
    await tick();
    // The freed handle was not taken by the aborted open: exactly the close went out.
    expect(engine.requests().slice(before).map((r) => r.arguments.subcommand)).toEqual(['fs_close']);
    expect(engine.storeHandles()).toHaveLength(63);
  });

  it('a handle whose fs_open reply arrives after the abort is closed again, not leaked', async () => {
    const { client, engine } = await h.connected();
    await client.fsWriteString('late.txt', 'x');
    engine.faults.delayResponse('rrext_store:fs_open', 150, { times: 1 });
    const ctl = new AbortController();
    const opening = client.fsOpen('late.txt', 'r', { signal: ctl.signal });
    await tick(50);
    ctl.abort();
    await expect(opening).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await until(() => engine.storeHandles().length === 0 && engine.requests().at(-1)?.arguments?.subcommand === 'fs_close');
    expect(engine.storeHandles()).toEqual([]);
    const subcommands = engine.requests().filter((r) => r.command === 'rrext_store').map((r) => r.arguments.subcommand);
    expect(subcommands.slice(-2)).toEqual(['fs_open', 'fs_close']);
  });

  it('HandleSemaphore: permits are given back once, waiters are served in order', async () => {
    const s = new HandleSemaphore(1);
    const first = await s.acquire();
    const order: number[] = [];
    const a = s.acquire().then((r) => {
      order.push(1);
      return r;
    });
    const b = s.acquire().then((r) => {
      order.push(2);
      return r;
    });
    first();
    first();
    (await a)();
    (await b)();
    expect(order).toEqual([1, 2]);
    expect(s.available).toBe(1);
  });
});

describe.each(['intended', 'head'] as const)('store handles at the end of a session (%s)', (profile) => {
  it('logout() closes every open handle BEFORE deauth, so the engine keeps no handle and no write lock', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('keep.txt', 'old');
    await client.fsOpen('keep.txt');
    const w = await client.fsOpen('locked.txt', 'w');
    await client.fsWrite(w.handle, 'abc');
    await client.logout();
    const log = engine.requests().map((r) => (r.command === 'rrext_store' ? String(r.arguments.subcommand) : r.command));
    const deauth = log.lastIndexOf('deauth');
    expect(log.slice(deauth - 2)).toEqual(['fs_close', 'fs_close', 'deauth']);
    expect(engine.storeHandles()).toEqual([]);
    // The path is writable again from another connection (upstream HEAD would keep it locked until restart).
    const other = h.client(engine);
    await other.connect();
    await other.fsWriteString('locked.txt', 'new');
    expect(await other.fsReadString('locked.txt')).toBe('new');
  });

  it('disconnect() sends no deauth: the engine closes (and commits) the handles itself when the socket closes', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('r.txt', 'r');
    const w = await client.fsOpen('d.txt', 'w');
    await client.fsWrite(w.handle, 'abc');
    await client.fsOpen('r.txt');
    await client.disconnect();
    expect(engine.requests().some((r) => r.command === 'deauth')).toBe(false);
    for (let i = 0; i < 50 && engine.storeHandles().length > 0; i++) await tick(10);
    expect(engine.storeHandles()).toEqual([]);
    await client.connect();
    expect(await client.fsReadString('d.txt')).toBe('abc');
    // The permits of the lost connection's handles were given back.
    await Promise.all(Array.from({ length: 64 }, () => client.fsOpen('r.txt')));
    expect(engine.storeHandles()).toHaveLength(64);
  });
});
