// The official store methods on real sockets against the simulator (PROTOCOL.md §16.B–§16.D).
import { ECHO_PIPELINE } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/store-error.js';
import { useEngines } from '../helpers/engine.js';

const h = useEngines();

const everyByte = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 256));

describe('store: the official handle methods', () => {
  it('fsOpen w / fsWrite / fsClose, then fsOpen r / fsRead until empty / fsClose round-trip every byte value', async () => {
    const { client, engine } = await h.connected();
    const content = everyByte(1000);
    const { handle } = await client.fsOpen('dir/all.bin', 'w');
    expect(await client.fsWrite(handle, content.subarray(0, 10))).toBe(10);
    expect(await client.fsWrite(handle, [content.subarray(10, 500), content.subarray(500)])).toBe(990);
    await client.fsClose(handle, 'w');
    const opened = await client.fsOpen('dir/all.bin');
    expect(opened).toEqual({ handle: expect.any(String), size: 1000 });
    const first = await client.fsRead(opened.handle, 0, 600);
    const rest = await client.fsRead(opened.handle, 600);
    const end = await client.fsRead(opened.handle, 1000);
    await client.fsClose(opened.handle);
    expect(Buffer.concat([first, rest])).toEqual(content);
    expect(end.byteLength).toBe(0);
    expect(engine.storeHandles()).toEqual([]);
    // What the official SDK sends, argument for argument.
    const sent = engine.requests().filter((r) => r.command === 'rrext_store').map((r) => r.arguments);
    expect(sent[0]).toEqual({ subcommand: 'fs_open', path: 'dir/all.bin', mode: 'w' });
    expect(sent[1]).toEqual({ subcommand: 'fs_write', handle });
    expect(sent[4]).toEqual({ subcommand: 'fs_open', path: 'dir/all.bin', mode: 'r' });
    expect(sent[5]).toEqual({ subcommand: 'fs_read', handle: opened.handle, offset: 0, length: 600 });
    expect(sent[6]).toEqual({ subcommand: 'fs_read', handle: opened.handle, offset: 600, length: 4_194_304 });
    expect(sent.at(-1)).toEqual({ subcommand: 'fs_close', handle: opened.handle, mode: 'r' });
  });

  it('fsRead hands over the bytes of the binary response as a view on the received frame, not a copy', async () => {
    const { client } = await h.connected();
    await client.fsWriteString('v.txt', 'hello\nworld\n\0');
    const { handle } = await client.fsOpen('v.txt');
    const bytes = await client.fsRead(handle, 0, 100);
    await client.fsClose(handle);
    expect(bytes.toString()).toBe('hello\nworld\n\0');
    // The JSON header precedes the payload in the same buffer.
    expect(bytes.byteOffset).toBeGreaterThan(0);
    const header = Buffer.from(bytes.buffer, 0, bytes.byteOffset).toString('latin1');
    expect(header).toMatch(/"body": \{"size": 13\}, "arguments": \{\}\}\n$/);
  });

  it('fsClose without a mode closes a write handle as a write handle (the SDKs make the caller say it)', async () => {
    const { client, engine } = await h.connected();
    const { handle } = await client.fsOpen('m.txt', 'w');
    await client.fsWrite(handle, 'abc');
    await client.fsClose(handle);
    expect(engine.storeHandles()).toEqual([]);
    expect(await client.fsReadString('m.txt')).toBe('abc');
  });

  it('namespace methods: fsMkdir, fsListDir, fsStat, fsRename, fsDelete, fsRmdir', async () => {
    const { client } = await h.connected();
    await client.fsMkdir('ns/empty');
    await client.fsWriteString('ns/b.txt', 'bb');
    await client.fsWriteString('ns/a.txt', 'a');
    const listing = await client.fsListDir('ns');
    expect(listing.count).toBe(3);
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
      ['a.txt', 'file'],
      ['b.txt', 'file'],
      ['empty', 'dir'],
    ]);
    expect(await client.fsStat('ns/b.txt')).toEqual({ exists: true, type: 'file', size: 2, modified: expect.any(Number) });
    expect(await client.fsStat('ns')).toEqual({ exists: true, type: 'dir' });
    expect(await client.fsStat('ns/none')).toEqual({ exists: false });
    await client.fsRename('ns/a.txt', 'ns/c.txt');
    expect((await client.fsStat('ns/a.txt')).exists).toBe(false);
    expect(await client.fsReadString('ns/c.txt')).toBe('a');
    await client.fsDelete('ns/c.txt');
    await client.fsRmdir('ns', true);
    expect(await client.fsStat('ns')).toEqual({ exists: false });
    expect(await client.fsListDir()).toEqual({ entries: [], count: 0 });
  });

  it('paths are normalised as the engine does and sent normalised: \\ → /, leading / dropped, . and // gone', async () => {
    const { client, engine } = await h.connected();
    await client.fsWriteString('\\d\\.\\x.txt', 'x');
    expect(await client.fsReadString('/d//x.txt')).toBe('x');
    const paths = engine.requests().filter((r) => r.arguments.subcommand === 'fs_stat').map((r) => r.arguments.path);
    expect(paths).toEqual(['d/x.txt']);
  });
});

describe('store: engine failures become coded StoreErrors', () => {
  const failure = async (p: Promise<unknown>): Promise<StoreError> => {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  };

  it('ERR_STORE_NOT_FOUND, without the storage key in the message (it stays in serverMessage)', async () => {
    const { client } = await h.connected();
    const error = await failure(client.fsDelete('nope/x.txt'));
    expect(error.code).toBe('ERR_STORE_NOT_FOUND');
    expect(error.message).toBe('File not found: nope/x.txt');
    expect(error.serverMessage).toBe('File not found: users/local/files/nope/x.txt');
    expect(error.path).toBe('nope/x.txt');
    expect((await failure(client.fsOpen('nope/x.txt'))).code).toBe('ERR_STORE_NOT_FOUND');
  });

  it('ERR_STORE_EXISTS, ERR_STORE_NOT_EMPTY, ERR_STORE_LOCKED, ERR_STORE_HANDLE, ERR_STORE_IS_DIRECTORY', async () => {
    const { client, engine } = await h.connected();
    await client.fsWriteString('e/a', '1');
    await client.fsWriteString('e/b', '2');
    const exists = await failure(client.fsRename('e/a', 'e/b'));
    expect([exists.code, exists.message]).toEqual(['ERR_STORE_EXISTS', 'Destination already exists: e/b']);
    const notEmpty = await failure(client.fsRmdir('e'));
    expect([notEmpty.code, notEmpty.message]).toEqual(['ERR_STORE_NOT_EMPTY', 'Directory not empty: e']);
    const other = h.client(engine);
    await other.connect();
    const { handle } = await client.fsOpen('e/w', 'w');
    const locked = await failure(other.fsOpen('e/w', 'w'));
    expect([locked.code, locked.message]).toEqual(['ERR_STORE_LOCKED', 'File already open for writing: e/w']);
    expect((await failure(other.fsDelete('e/w'))).code).toBe('ERR_STORE_LOCKED');
    const foreign = await failure(other.fsWrite(handle, 'x'));
    expect([foreign.code, foreign.message]).toEqual(['ERR_STORE_HANDLE', 'Handle belongs to another connection']);
    await client.fsClose(handle);
    const closed = await failure(client.fsClose(handle, 'w'));
    expect([closed.code, closed.message]).toEqual(['ERR_STORE_HANDLE', `Invalid handle: ${handle}`]);
    const dir = await failure(client.fsOpen('e'));
    expect(dir.code).toBe('ERR_STORE_IS_DIRECTORY');
    // The absolute server path of the OS error is kept out of the message.
    expect(dir.message).not.toContain(engine.storeDir);
    expect(dir.serverMessage).toContain(engine.storeDir);
  });

  it('ERR_STORE_PERMISSION for a pk_ connection, which has no task.store', async () => {
    const { client, engine } = await h.connected();
    const task = await client.use({ pipeline: ECHO_PIPELINE, ttl: 0 });
    const pk = h.client(engine, { auth: task.publicToken });
    await pk.connect();
    const error = await failure(pk.fsStat('x'));
    expect([error.code, error.message]).toEqual(['ERR_STORE_PERMISSION', "Permission 'task.store' denied"]);
  });
});
