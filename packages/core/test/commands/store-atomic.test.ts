// Whole-file writes go to a temporary file renamed into place: no failure leaves a partial file or loses the old one.
import type { Engine } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';
import { AtomicStoreWriter } from '../../src/commands/store-atomic.js';

const h = useEngines();

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const names = async (client: RocketRideClient, dir: string) => (await client.fsListDir(dir)).entries.map((e) => e.name);
const subcommands = (engine: Engine) =>
  engine.requests().filter((r) => r.command === 'rrext_store').map((r) => r.arguments.subcommand);

describe.each(['intended', 'head'] as const)('atomic writes (%s)', (profile) => {
  it('fsWriteString replaces a file through a temporary one in the same folder, and leaves nothing beside it', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('a/f.txt', 'old content');
    await client.fsWriteString('a/f.txt', 'new');
    expect(await client.fsReadString('a/f.txt')).toBe('new');
    expect(await names(client, 'a')).toEqual(['f.txt']);
    const opened = engine.requests().filter((r) => r.arguments.subcommand === 'fs_open').map((r) => r.arguments.path as string);
    expect(opened[1]).toMatch(/^a\/\.f\.txt\.[0-9a-f]{12}\.partial$/);
  });

  it('overwrite: false refuses an existing file with ERR_STORE_EXISTS before any byte is sent', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('x.txt', 'old');
    const before = subcommands(engine).length;
    await expect(client.fsWriteString('x.txt', 'new', { overwrite: false })).rejects.toMatchObject({
      code: 'ERR_STORE_EXISTS',
      message: 'Destination already exists: x.txt',
    });
    expect(subcommands(engine).slice(before)).toEqual(['fs_stat']);
    expect(await client.fsReadString('x.txt')).toBe('old');
    await client.fsWriteString('y.txt', 'fresh', { overwrite: false });
    expect(await client.fsReadString('y.txt')).toBe('fresh');
  });

  it('a directory is never replaced by a file', async () => {
    const { client } = await h.connected({ profile });
    await client.fsWriteString('d/inner.txt', 'x');
    await expect(client.fsWriteString('d', 'y')).rejects.toMatchObject({ code: 'ERR_STORE_IS_DIRECTORY', message: 'Cannot write d: it is a directory' });
    expect(await client.fsReadString('d/inner.txt')).toBe('x');
  });

  it('a server error on the rename leaves the old content and deletes the temporary file', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('r/f.txt', 'old content');
    // A reader on the destination makes the engine refuse the rename (§16.D: Cannot modify: handle open under …).
    const reader = h.client(engine);
    await reader.connect();
    const { handle } = await reader.fsOpen('r/f.txt');
    const error = await client.fsWriteString('r/f.txt', 'new content').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE_LOCKED', message: 'Cannot modify: handle open under r/f.txt/' });
    expect(subcommands(engine).slice(-2)).toEqual(['fs_rename', 'fs_delete']);
    await reader.fsClose(handle);
    expect(await client.fsReadString('r/f.txt')).toBe('old content');
    expect(await names(client, 'r')).toEqual(['f.txt']);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('a socket cut in the middle of the bytes leaves the old content; the temporary file is deleted at the next connect', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('c/f.bin', 'old content');
    engine.faults.closeAfterBytes(5 * 1024 * 1024);
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    await expect(client.fsWriteString('c/f.bin', big.toString('latin1'))).rejects.toMatchObject({ code: 'ERR_CONNECTION_LOST' });
    await client.connect();
    for (let i = 0; i < 50 && (await names(client, 'c')).length > 1; i++) await tick(10);
    expect(await names(client, 'c')).toEqual(['f.bin']);
    expect(await client.fsReadString('c/f.bin')).toBe('old content');
  });

  it('logout() in the middle of a write aborts it before deauth: temporary file deleted, old content kept', async () => {
    const { client, engine } = await h.connected({ profile });
    await client.fsWriteString('l/f.txt', 'old');
    engine.faults.delayResponse('rrext_store:fs_write', 100, { times: 1 });
    const writing = client.fsWriteString('l/f.txt', 'new').catch((e: unknown) => e);
    await tick(50);
    await client.logout();
    expect(await writing).toMatchObject({ code: 'ERR_DISCONNECTED' });
    const log = engine.requests().map((r) => (r.command === 'rrext_store' ? r.arguments.subcommand : r.command));
    expect(log.slice(-3)).toEqual(['fs_close', 'fs_delete', 'deauth']);
    await client.login();
    expect(await names(client, 'l')).toEqual(['f.txt']);
    expect(await client.fsReadString('l/f.txt')).toBe('old');
  });

  it('two writers of one path do not see each other until the rename, and the last rename wins, whole', async () => {
    const { client, engine } = await h.connected({ profile });
    const other = h.client(engine);
    await other.connect();
    await client.fsWriteString('cc.txt', 'old');
    // A opens and writes, but commits only after B wrote and committed its whole file.
    const a = new AtomicStoreWriter(client, 'cc.txt');
    await a.open();
    await a.write(Buffer.from('A'.repeat(100_000)));
    await other.fsWriteString('cc.txt', 'B'.repeat(50_000));
    expect(await client.fsReadString('cc.txt')).toBe('B'.repeat(50_000));
    await a.commit();
    expect(await client.fsReadString('cc.txt')).toBe('A'.repeat(100_000));
    expect(await names(client, '')).toEqual(['cc.txt']);
  });
});
