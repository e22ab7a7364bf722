import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useRawHarness } from '../raw-harness.js';

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
