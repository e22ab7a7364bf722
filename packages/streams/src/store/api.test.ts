// The whole-file and namespace methods of rocketride.store.
import { describe, expect, it } from 'vitest';
import { storeOps, tick, until, useStore } from '../test-support/store.js';

const h = useStore();

describe('store API', () => {
  it('readFile / writeFile (bytes, text, iterables), readJson / writeJson, exists, stat', async () => {
    const { store } = await h.start();
    await store.writeFile('t/a.bin', Buffer.from([0, 10, 255]));
    expect(await store.readFile('t/a.bin')).toEqual(Buffer.from([0, 10, 255]));
    await store.writeFile('t/b.txt', 'héllo');
    expect(await store.readFile('t/b.txt', { encoding: 'utf8' })).toBe('héllo');
    async function* gen() {
      yield 'one,';
      yield Buffer.from('two');
    }
    await store.writeFile('t/c.txt', gen());
    await store.writeFile('t/d.txt', ['x', 'y']);
    expect(await store.readFile('t/c.txt', { encoding: 'utf8' })).toBe('one,two');
    expect(await store.readFile('t/d.txt', { encoding: 'utf8' })).toBe('xy');
    await store.writeJson('t/j.json', { a: [1, 2] });
    expect(await store.readFile('t/j.json', { encoding: 'utf8' })).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(await store.readJson('t/j.json')).toEqual({ a: [1, 2] });
    await expect(store.readJson('t/b.txt')).rejects.toMatchObject({ code: 'ERR_STORE_JSON', path: 't/b.txt' });
    expect(await store.exists('t/a.bin')).toBe(true);
    expect(await store.exists('t')).toBe(true);
    expect(await store.exists('t/none')).toBe(false);
    expect(await store.stat('t/a.bin')).toEqual({ exists: true, type: 'file', size: 3, modified: expect.any(Number) });
    expect((await store.list('t')).map((e) => e.name)).toEqual(['a.bin', 'b.txt', 'c.txt', 'd.txt', 'j.json']);
  });

  it('writeFile of an async iterable aborted in the middle fails ERR_ABORTED and leaves the old content only', async () => {
    const { engine, store } = await h.start();
    await store.writeFile('ab/f.txt', 'old');
    const ctl = new AbortController();
    async function* slow() {
      yield Buffer.alloc(100_000, 1);
      ctl.abort();
      await new Promise((r) => setTimeout(r, 50));
      yield Buffer.alloc(100_000, 2);
    }
    await expect(store.writeFile('ab/f.txt', slow(), { signal: ctl.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await until(() => engine.storeHandles().length === 0);
    expect(await store.readFile('ab/f.txt', { encoding: 'utf8' })).toBe('old');
    expect((await store.list('ab')).map((e) => e.name)).toEqual(['f.txt']);
    expect(engine.storeHandles()).toEqual([]);
  });

  it('mkdir, rm of a file, of an empty and a full directory (recursive explicit), force', async () => {
    const { store } = await h.start();
    await store.mkdir('m/empty');
    await store.writeFile('m/full/f.txt', 'x');
    await store.writeFile('m/file.txt', 'x');
    await store.rm('m/file.txt');
    expect(await store.exists('m/file.txt')).toBe(false);
    await store.rm('m/empty');
    expect(await store.exists('m/empty')).toBe(false);
    await expect(store.rm('m/full')).rejects.toMatchObject({ code: 'ERR_STORE_NOT_EMPTY', message: 'Directory not empty: m/full' });
    await store.rm('m/full', { recursive: true });
    expect(await store.list('m')).toEqual([]);
    await expect(store.rm('m/none')).rejects.toMatchObject({ code: 'ERR_STORE_NOT_FOUND', message: 'No such file or directory: m/none' });
    await store.rm('m/none', { force: true });
  });

  it('rename moves files and directories; onto an existing file only with overwrite, never onto a directory', async () => {
    const { engine, store } = await h.start();
    await store.writeFile('n/a.txt', 'A');
    await store.writeFile('n/b.txt', 'B');
    await expect(store.rename('n/a.txt', 'n/b.txt')).rejects.toMatchObject({ code: 'ERR_STORE_EXISTS', message: 'Destination already exists: n/b.txt' });
    await store.rename('n/a.txt', 'n/b.txt', { overwrite: true });
    expect(await store.readFile('n/b.txt', { encoding: 'utf8' })).toBe('A');
    expect((await store.list('n')).map((e) => e.name)).toEqual(['b.txt']);
    await store.writeFile('n/dir/inner.txt', 'I');
    await expect(store.rename('n/b.txt', 'n/dir', { overwrite: true })).rejects.toMatchObject({ code: 'ERR_STORE_EXISTS' });
    await store.rename('n/dir', 'n/moved');
    expect(await store.readFile('n/moved/inner.txt', { encoding: 'utf8' })).toBe('I');
    expect(engine.storeHandles()).toEqual([]);
  });

  it('bad input is refused with a code before anything is sent', async () => {
    const { engine, store } = await h.start();
    const cases: Array<[Promise<unknown>, string, string]> = [
      [store.readFile('..'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: ..'],
      [store.readFile('a', { encoding: 'nope' as never }), 'ERR_INVALID_ARGUMENT', 'Unknown encoding: nope'],
      [store.writeFile('a', 5 as never), 'ERR_INVALID_DATA', 'data must be a string, a Uint8Array, or an iterable of them'],
      [store.writeJson('a', () => 1), 'ERR_INVALID_DATA', 'The value serialises to nothing (undefined, a function or a symbol)'],
      [store.list('a"b'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: a"b'],
      [store.rm('a', { recursive: 1 as never }), 'ERR_INVALID_ARGUMENT', 'recursive must be a boolean'],
      [store.rm(''), 'ERR_STORE_PATH', 'path must name a file or directory below the store root, got ""'],
      [store.rename('a', 'b:c'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: b:c'],
      [store.rename('a', 'b', { overwrite: 'y' as never }), 'ERR_INVALID_ARGUMENT', 'overwrite must be a boolean'],
      [store.mkdir('x\u001f'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: x\u001f'],
    ];
    for (const [call, code, message] of cases) await expect(call).rejects.toMatchObject({ code, message });
    await tick();
    expect(storeOps(engine)).toEqual([]);
  });
});
