import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useRawHarness } from '../raw-harness.js';
import { fsClose, fsOpen, fsWrite } from './handle-commands.js';
import { fsStat } from './namespace-commands.js';
import { EngineStore } from './store.js';

const h = useRawHarness();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'sim-store-test-'));
  dirs.push(d);
  return d;
}

describe('engine store directory', () => {
  it('storeDir holds users/<id>/files/<path>, is created when missing and kept (without staging files) on close', async () => {
    const root = join(scratch(), 'nested', 'store');
    const engine = await h.start({ storeDir: root });
    expect(engine.storeDir).toBe(realpathSync(root));
    const c = await h.authed();
    const { body } = await c.call('rrext_store', { subcommand: 'fs_open', path: 'a/b.txt', mode: 'w' });
    const handle = (body as { handle: string }).handle;
    expect((await c.call('rrext_store', { subcommand: 'fs_write', handle, data: Buffer.from('bytes') })).body).toEqual({
      bytesWritten: 5,
    });
    expect((await c.call('rrext_store', { subcommand: 'fs_close', handle, mode: 'w' })).success).toBe(true);
    await engine.close();
    expect(readFileSync(join(root, 'users', 'local', 'files', 'a', 'b.txt'), 'utf8')).toBe('bytes');
    expect(readdirSync(root)).toEqual(['users']);
  });

  it('serves files already in storeDir', async () => {
    const root = scratch();
    const engine = await h.start({ storeDir: root });
    const c = await h.authed();
    await c.call('rrext_store', { subcommand: 'fs_mkdir', path: 'kept' });
    await engine.close();
    await h.start({ storeDir: root });
    const again = await h.authed();
    expect((await again.call('rrext_store', { subcommand: 'fs_stat', path: 'kept' })).body).toEqual({ exists: true, type: 'dir' });
  });

  it('a write handle still open when the engine closes is dropped, not committed', async () => {
    const root = scratch();
    const engine = await h.start({ storeDir: root });
    const c = await h.authed();
    const { body } = await c.call('rrext_store', { subcommand: 'fs_open', path: 'open.txt', mode: 'w' });
    const handle = (body as { handle: string }).handle;
    await c.call('rrext_store', { subcommand: 'fs_write', handle, data: Buffer.from('partial') });
    await engine.close();
    expect(existsSync(join(root, 'users', 'local', 'files', 'open.txt'))).toBe(false);
    expect(readdirSync(root)).toEqual(['users']);
  });

  it('the default directory is a fresh temporary one per engine, removed on close', async () => {
    const first = await h.start();
    const dir = first.storeDir;
    expect(existsSync(dir)).toBe(true);
    expect(dir.startsWith(realpathSync(tmpdir()))).toBe(true);
    await first.close();
    expect(existsSync(dir)).toBe(false);
    const second = await h.start();
    expect(second.storeDir).not.toBe(dir);
  });
});

describe('per-user scoping (PROTOCOL.md §16.B.3)', () => {
  it('each user has its own files and its own handles', async () => {
    const root = scratch();
    const store = new EngineStore('intended', root, false, mkdtempSync(join(root, '.partial-')));
    const call = (userId: string, args: Record<string, unknown>) => ({ store, userId, connId: 1, args });
    const put = async (userId: string, data: string) => {
      const { handle } = (await fsOpen(call(userId, { path: 'same.txt', mode: 'w' }))) as { handle: string };
      await fsWrite(call(userId, { handle, data }));
      return handle;
    };
    const alice = await put('alice', 'from alice');
    // The same path is not locked for another user, and alice's handle is unknown to bob.
    const bob = await put('bob', 'from bob');
    await expect(fsClose(call('bob', { handle: alice, mode: 'w' }))).rejects.toThrow(`Invalid handle: ${alice}`);
    await fsClose(call('alice', { handle: alice, mode: 'w' }));
    await fsClose(call('bob', { handle: bob, mode: 'w' }));
    expect(readFileSync(join(root, 'users', 'alice', 'files', 'same.txt'), 'utf8')).toBe('from alice');
    expect(readFileSync(join(root, 'users', 'bob', 'files', 'same.txt'), 'utf8')).toBe('from bob');
    expect(await fsStat(call('bob', { path: '' }))).toEqual({ exists: true, type: 'dir' });
    expect(await fsStat(call('carol', { path: '' }))).toEqual({ exists: false });
    await store.dispose();
  });
});
