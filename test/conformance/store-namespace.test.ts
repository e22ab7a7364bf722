/**
 * PROTOCOL.md §16.L cases 12–20: the `rrext_store` namespace subcommands, path rules, dispatch and permission
 * (§16.B, §16.D), with the filesystem-backend quirks of §16.D marked ⚠.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, useEngine } from './helpers/env.js';
import { expectFailure, expectNoBody, getFile, openHandle, putFile, stat, store, storeText } from './helpers/store.js';

describe('store: namespace', () => {
  const ctx = useEngine();
  const onDisk = (path: string) => join(ctx.engine.storeDir, 'users', 'local', 'files', ...path.split('/'));

  it('§16.12 fs_stat: {exists:false}, exactly {exists:true, type:"dir"}, and a file with size and modified (epoch s)', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/d/a.txt', 'hello world, again');
    expect(await stat(c, 'conf/missing')).toEqual({ exists: false });
    expect(await stat(c, 'conf/d')).toEqual({ exists: true, type: 'dir' });
    const file = await stat(c, 'conf/d/a.txt');
    expect(file).toEqual({ exists: true, type: 'file', size: 18, modified: expect.any(Number) });
    expect(file.modified).toBeCloseTo(statSync(onDisk('conf/d/a.txt')).mtimeMs / 1000, 3);
    // "" is the root: a directory as soon as the store holds a file.
    expect(await stat(c, '')).toEqual({ exists: true, type: 'dir' });
  });

  it('§16.12 fs_stat of the root of an empty store is {exists:false}', async () => {
    const c = await ctx.authed();
    expect(await stat(c, '')).toEqual({ exists: false });
  });

  it('§16.13 fs_mkdir writes a hidden .dirmarker: repeatable, trailing / allowed, empty listing, a dir to fs_stat', async () => {
    const c = await ctx.authed();
    expectNoBody(await store(c, 'fs_mkdir', { path: 'conf/d' }));
    expectNoBody(await store(c, 'fs_mkdir', { path: 'conf/d' }));
    expectNoBody(await store(c, 'fs_mkdir', { path: 'conf/d/' }));
    expect((await store(c, 'fs_list_dir', { path: 'conf/d' })).body).toEqual({ entries: [], count: 0 });
    expect(await stat(c, 'conf/d')).toEqual({ exists: true, type: 'dir' });
    expect(await stat(c, 'conf/d/.dirmarker')).toMatchObject({ exists: true, type: 'file', size: 0 });
    // Parents need not exist.
    expectNoBody(await store(c, 'fs_mkdir', { path: 'conf/x/y/z' }));
    expect((await store(c, 'fs_list_dir', { path: 'conf/x' })).body).toEqual({ entries: [{ name: 'y', type: 'dir' }], count: 1 });
  });

  it('§16.14 fs_list_dir: immediate children in code-point order, dot-names listed, exact entry keys', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/b.txt', 'bb');
    await putFile(c, 'conf/a.txt', 'a');
    await putFile(c, 'conf/.templates/t.json', '{}');
    await putFile(c, 'conf/sub/deep/x.txt', 'x');
    const res = await store(c, 'fs_list_dir', { path: 'conf' });
    expect(res.success).toBe(true);
    expect(res.body.count).toBe(4);
    expect(res.body.entries.map((e: { name: string }) => e.name)).toEqual(['.templates', 'a.txt', 'b.txt', 'sub']);
    const [templates, a, b, sub] = res.body.entries;
    expect(templates).toEqual({ name: '.templates', type: 'dir' });
    expect(sub).toEqual({ name: 'sub', type: 'dir' });
    expect(Object.keys(a)).toEqual(['name', 'type', 'size', 'modified']);
    expect(b).toEqual({ name: 'b.txt', type: 'file', size: 2, modified: expect.any(Number) });
    expect((await store(c, 'fs_list_dir', { path: 'conf/missing' })).body).toEqual({ entries: [], count: 0 });
    // A path that names a file lists nothing; the default path is the root.
    expect((await store(c, 'fs_list_dir', { path: 'conf/a.txt' })).body).toEqual({ entries: [], count: 0 });
    expect((await store(c, 'fs_list_dir')).body).toEqual({ entries: [{ name: 'conf', type: 'dir' }], count: 1 });
  });

  it('§16.B.5 emptied directories stay on disk but are invisible', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/e/only.txt', 'x');
    expectNoBody(await store(c, 'fs_delete', { path: 'conf/e/only.txt' }));
    expect(statSync(onDisk('conf/e')).isDirectory()).toBe(true);
    expect(await stat(c, 'conf/e')).toEqual({ exists: false });
    expect((await store(c, 'fs_list_dir', { path: 'conf' })).body).toEqual({ entries: [], count: 0 });
  });

  it('§16.15 path rules: traversal and invalid characters refused with the normalised path; the rest is legal', async () => {
    const c = await ctx.authed();
    const fail = async (path: string, message: string) => expectFailure(await store(c, 'fs_stat', { path }), message);
    await fail('conf/../x', 'Path traversal not allowed: conf/../x');
    await fail('..\\x', 'Path traversal not allowed: ../x');
    await fail('/../x', 'Path traversal not allowed: ../x');
    for (const ch of ['*', '?', '<', '>', '|', '"', ':', '\u0001', '\u001f']) {
      await fail(`conf/a${ch}b`, `Path contains invalid characters: conf/a${ch}b`);
    }
    await fail('C:\\x', 'Path contains invalid characters: C:/x');
    for (const name of ['with space.txt', 'ünï©ødé.txt', '100%.txt', "it's.txt", '.hidden', '...']) {
      await putFile(c, `conf/${name}`, 'x');
      expect(await stat(c, `conf/${name}`)).toMatchObject({ exists: true, type: 'file', size: 1 });
    }
    await putFile(c, '/conf2//./f.txt', 'abc');
    expect(await stat(c, 'conf2/f.txt')).toMatchObject({ type: 'file', size: 3 });
    expect(await stat(c, '\\conf2\\f.txt')).toMatchObject({ type: 'file', size: 3 });
  });

  it('§16.B.4 a path that is absent or not a string fails with Python\'s attribute error', async () => {
    const c = await ctx.authed();
    expectFailure(await store(c, 'fs_stat'), "'NoneType' object has no attribute 'replace'");
    expectFailure(await store(c, 'fs_open', { path: 5, mode: 'w' }), "'int' object has no attribute 'replace'");
    expectFailure(await store(c, 'fs_delete', { path: ['a'] }), "'list' object has no attribute 'replace'");
    expectFailure(await store(c, 'fs_mkdir'), "'NoneType' object has no attribute 'rstrip'");
    expectFailure(await store(c, 'fs_list_dir', { path: null }), "'NoneType' object has no attribute 'replace'");
  });

  it('§16.16 fs_rename moves files and directories; the destination must not exist', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/a.txt', 'aaaa');
    expectNoBody(await store(c, 'fs_rename', { old_path: 'conf/a.txt', new_path: 'conf/b.txt' }));
    expect(await stat(c, 'conf/b.txt')).toMatchObject({ type: 'file', size: 4 });
    expect(await stat(c, 'conf/a.txt')).toEqual({ exists: false });

    await putFile(c, 'conf/c.txt', 'cc');
    expectFailure(await store(c, 'fs_rename', { old_path: 'conf/c.txt', new_path: 'conf/b.txt' }), 'Destination already exists: conf/b.txt');
    expect((await getFile(c, 'conf/b.txt')).toString()).toBe('aaaa');

    await putFile(c, 'conf/d/x.txt', 'x');
    await putFile(c, 'conf/d/sub/y.txt', 'yy');
    expectNoBody(await store(c, 'fs_rename', { old_path: 'conf/d', new_path: 'conf/e' }));
    expect(await stat(c, 'conf/d')).toEqual({ exists: false });
    expect((await getFile(c, 'conf/e/x.txt')).toString()).toBe('x');
    expect((await getFile(c, 'conf/e/sub/y.txt')).toString()).toBe('yy');

    await putFile(c, 'conf/f/z.txt', 'z');
    expectFailure(await store(c, 'fs_rename', { old_path: 'conf/f', new_path: 'conf/e' }), 'Destination already exists: conf/e');
    expectFailure(await store(c, 'fs_rename', { old_path: 'conf/f' }), 'rename requires a non-empty "new_path" string');
    expectFailure(await store(c, 'fs_rename', { old_path: '', new_path: 'x' }), 'rename requires a non-empty "old_path" string');
    expectFailure(await store(c, 'fs_rename', { new_path: 'x' }), 'rename requires a non-empty "old_path" string');
    expectFailure(await store(c, 'fs_rename', { old_path: 'conf/f', new_path: 'conf/../g' }), 'Path traversal not allowed: conf/../g');
    const missing = await store(c, 'fs_rename', { old_path: 'conf/nope', new_path: 'conf/nope2' });
    expect(missing.success).toBe(false);
    expect(missing.message).toBe('File not found: users/local/files/conf/nope');
  });

  it('§16.D ⚠ a read handle on a file blocks its rename with the directory-style message', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/r.txt', 'r');
    const h = await openHandle(c, 'conf/r.txt', 'r');
    expectFailure(
      await store(c, 'fs_rename', { old_path: 'conf/r.txt', new_path: 'conf/s.txt' }),
      'Cannot modify: handle open under users/local/files/conf/r.txt/',
    );
    expectNoBody(await store(c, 'fs_close', { handle: h }));
    expectNoBody(await store(c, 'fs_rename', { old_path: 'conf/r.txt', new_path: 'conf/s.txt' }));
  });

  it('§16.C.5 fs_rename and fs_rmdir over a file open for writing → Cannot modify: file open for writing under …', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/w/a.txt', 'a');
    const h = await openHandle(c, 'conf/w/a.txt', 'w');
    expectFailure(
      await store(c, 'fs_rename', { old_path: 'conf/w', new_path: 'conf/v' }),
      'Cannot modify: file open for writing under users/local/files/conf/w/',
    );
    expectFailure(
      await store(c, 'fs_rmdir', { path: 'conf/w', recursive: true }),
      'Cannot modify: file open for writing under users/local/files/conf/w',
    );
    expectNoBody(await store(c, 'fs_close', { handle: h, mode: 'w' }));
  });

  it('§16.17 fs_rmdir: argument checks, not-empty, recursive, missing and empty directories', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/d/a.txt', 'a');
    expectFailure(await store(c, 'fs_rmdir', { path: 'conf/d' }), 'Directory not empty: conf/d');
    expectFailure(await store(c, 'fs_rmdir', { path: 'conf/d', recursive: 'yes' }), 'rmdir "recursive" must be a boolean');
    expectFailure(await store(c, 'fs_rmdir', {}), 'rmdir requires a non-empty "path" string');
    expectFailure(await store(c, 'fs_rmdir', { path: '' }), 'rmdir requires a non-empty "path" string');
    expectFailure(await store(c, 'fs_rmdir', { path: '/' }), 'rmdir requires a non-empty path');
    expectFailure(await store(c, 'fs_rmdir', { path: '.' }), 'rmdir requires a non-empty path');
    expectNoBody(await store(c, 'fs_rmdir', { path: 'conf/d', recursive: true }));
    expect(await stat(c, 'conf/d')).toEqual({ exists: false });
    expectNoBody(await store(c, 'fs_rmdir', { path: 'conf/never' }));
    expectNoBody(await store(c, 'fs_mkdir', { path: 'conf/empty' }));
    expectNoBody(await store(c, 'fs_rmdir', { path: 'conf/empty' }));
    expect(await stat(c, 'conf/empty')).toEqual({ exists: false });
  });

  it('§16.D ⚠ fs_rmdir of a file: "Directory not empty" without recursive, deleted with it', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/f.txt', 'f');
    expectFailure(await store(c, 'fs_rmdir', { path: 'conf/f.txt' }), 'Directory not empty: conf/f.txt');
    expectNoBody(await store(c, 'fs_rmdir', { path: 'conf/f.txt', recursive: true }));
    expect(await stat(c, 'conf/f.txt')).toEqual({ exists: false });
  });

  it('§16.18 fs_delete of a file; again → File not found; a directory → the backend error with paths', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf/x.txt', 'x');
    expectNoBody(await store(c, 'fs_delete', { path: 'conf/x.txt' }));
    expect(await stat(c, 'conf/x.txt')).toEqual({ exists: false });
    expectFailure(await store(c, 'fs_delete', { path: 'conf/x.txt' }), 'File not found: users/local/files/conf/x.txt');
    await putFile(c, 'conf/d/y.txt', 'y');
    expectFailure(
      await store(c, 'fs_delete', { path: 'conf/d' }),
      `Failed to delete file users/local/files/conf/d: [Errno 21] Is a directory: '${onDisk('conf/d')}'`,
    );
  });

  it('§16.B.6 backend errors leak the storage key and the absolute path', async () => {
    const c = await ctx.authed();
    await putFile(c, 'conf-probe/f.txt', 'x');
    expectFailure(
      await store(c, 'fs_open', { path: 'conf-probe', mode: 'r' }),
      `Failed to open file users/local/files/conf-probe for reading: [Errno 21] Is a directory: '${onDisk('conf-probe')}'`,
    );
    expectFailure(await store(c, 'fs_open', { path: 'conf-probe/missing' }), 'File not found: users/local/files/conf-probe/missing');
    expectFailure(
      await store(c, 'fs_mkdir', { path: 'conf-probe/f.txt' }),
      `Failed to write file users/local/files/conf-probe/f.txt/.dirmarker: [Errno 17] File exists: '${onDisk('conf-probe/f.txt')}'`,
    );
    expectFailure(
      await store(c, 'fs_open', { path: 'conf-probe', mode: 'w' }),
      `Failed to open file users/local/files/conf-probe for writing: [Errno 21] Is a directory: '${onDisk('conf-probe')}'`,
    );
  });

  it('§16.19 dispatch: no or empty subcommand, unknown subcommands, arguments:null', async () => {
    const c = await ctx.authed();
    expectFailure(await c.request('rrext_store', {}), 'Subcommand is required');
    expectFailure(await c.request('rrext_store'), 'Subcommand is required');
    expectFailure(await store(c, ''), 'Subcommand is required');
    const names = ['save_project', 'get_project', 'delete_project', 'get_all_projects', 'save_template', 'get_template'];
    for (const name of [...names, 'get_all_templates', 'save_log', 'list_logs', 'fs_bogus']) {
      const res = await store(c, name, { templateId: 'x' });
      expectFailure(res, `Unknown subcommand: ${name}`);
      expect(res.trace).toEqual({ file: expect.any(String), lineno: expect.any(Number) });
    }
    expectFailure(await store(c, 0 as never), 'Subcommand is required');
    expectFailure(await storeText(c, 7 as never, {}), 'Unknown subcommand: 7');
    const seq = c.nextSeq();
    c.send({ type: 'request', seq, command: 'rrext_store', arguments: null });
    const res = await c.next((m) => m.request_seq === seq);
    expectFailure(res.msg!, "'NoneType' object has no attribute 'get'");
  });

  it('§16.20 a tk_ connection shares the owner\'s store; a pk_ connection is refused task.store', async () => {
    const c = await ctx.authed();
    const task = await execute(c, {});
    await putFile(c, 'conf/shared.txt', 'from api key');
    const tk = await ctx.authed(task.token);
    expect((await getFile(tk, 'conf/shared.txt')).toString()).toBe('from api key');
    const pk = await ctx.authed(task.publicToken);
    for (const sub of ['fs_stat', 'fs_list_dir', 'fs_bogus', '']) {
      expectFailure(await store(pk, sub, { path: 'conf/shared.txt' }), "Permission 'task.store' denied");
    }
  });
});
