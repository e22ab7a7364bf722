// Every bad input to the store methods is refused on the client with a coded error, and nothing reaches the engine.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/validation-error.js';
import { useEngines } from '../helpers/engine.js';
import type { RocketRideClient } from '../../src/client/client.js';
import { storeErrorCode } from '../../src/commands/store-errors.js';

const h = useEngines();

type Case = [string, (c: RocketRideClient) => Promise<unknown>, string, string];

const cases: Case[] = [
  ['a .. segment', (c) => c.fsStat('a/../b'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: a/../b'],
  ['..\\ after \\ → /', (c) => c.fsOpen('..\\x'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: ../x'],
  ['/.. after the leading / is dropped', (c) => c.fsDelete('/../x'), 'ERR_STORE_PATH_TRAVERSAL', 'Path traversal not allowed: ../x'],
  ['a drive letter (the SDKs let : through)', (c) => c.fsStat('C:\\x'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: C:/x'],
  ['*', (c) => c.fsMkdir('a*b'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: a*b'],
  ['a control character', (c) => c.fsListDir('x\u0001'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: x\u0001'],
  ['| in a rename target', (c) => c.fsRename('a', 'b|c'), 'ERR_STORE_PATH_CHARS', 'Path contains invalid characters: b|c'],
  ['the root as a file', (c) => c.fsOpen('/', 'w'), 'ERR_STORE_PATH', 'path must name a file or directory below the store root, got "/"'],
  ['the root to rmdir', (c) => c.fsRmdir('.', true), 'ERR_STORE_PATH', 'path must name a file or directory below the store root, got "."'],
  ['a path that is not a string', (c) => c.fsStat(5 as never), 'ERR_STORE_PATH', 'path must be a string, got number'],
  ['a bad mode', (c) => c.fsOpen('a', 'x' as never), 'ERR_INVALID_ARGUMENT', `mode must be 'r' or 'w', got "x"`],
  ['a negative offset', (c) => c.fsRead('h', -1), 'ERR_INVALID_ARGUMENT', 'offset must be a non-negative integer'],
  ['a zero length', (c) => c.fsRead('h', 0, 0), 'ERR_INVALID_ARGUMENT', 'length must be a positive integer'],
  ['an empty handle', (c) => c.fsClose(''), 'ERR_INVALID_ARGUMENT', 'handle must be a non-empty string (from fsOpen)'],
  ['data of another type', (c) => c.fsWrite('h', 5 as never), 'ERR_INVALID_DATA', 'data must be a Uint8Array, a list of them, or a string'],
  ['recursive not a boolean', (c) => c.fsRmdir('d', 'yes' as never), 'ERR_INVALID_ARGUMENT', 'recursive must be a boolean'],
  ['fsWriteString of a non-string', (c) => c.fsWriteString('a', 5 as never), 'ERR_INVALID_DATA', 'text must be a string'],
  ['fsWriteJson of undefined', (c) => c.fsWriteJson('a', undefined), 'ERR_INVALID_DATA', 'The value serialises to nothing (undefined, a function or a symbol)'],
  ['overwrite not a boolean', (c) => c.fsWriteString('a', 'x', { overwrite: 1 as never }), 'ERR_INVALID_ARGUMENT', 'overwrite must be a boolean'],
  ['a template id with a /', (c) => c.saveTemplate({ templateId: 'a/b', pipeline: {} }), 'ERR_STORE_ID', 'templateId must not contain path separators: a/b'],
  ['an empty template id', (c) => c.getTemplate({ templateId: '' }), 'ERR_STORE_ID', 'templateId is required (a non-empty string)'],
  ['a template id of ..', (c) => c.deleteTemplate({ templateId: '..' }), 'ERR_STORE_ID', 'templateId contains invalid characters: ..'],
  ['a pipeline that is not an object', (c) => c.saveTemplate({ templateId: 't', pipeline: [] as never }), 'ERR_INVALID_ARGUMENT', 'pipeline must be an object'],
  ['a log without startTime', (c) => c.saveLog({ projectId: 'p', source: 's', contents: { body: {} } }), 'ERR_INVALID_ARGUMENT', 'contents.body.startTime is required (a number or a string)'],
  ['a startTime with a separator', (c) => c.saveLog({ projectId: 'p', source: 's', contents: { body: { startTime: 'a/b' } } }), 'ERR_STORE_ID', 'contents.body.startTime must not contain path separators: a/b'],
  ['a project id with a *', (c) => c.listLogs({ projectId: 'p*' }), 'ERR_STORE_ID', 'projectId contains invalid characters: p*'],
  ['a log name with \\', (c) => c.getLog({ projectId: 'p', name: 'a\\b' }), 'ERR_STORE_ID', 'name must not contain path separators: a\\b'],
  ['a signal that is not an AbortSignal', (c) => c.fsStat('a', { signal: {} as never }), 'ERR_INVALID_ARGUMENT', 'options.signal must be an AbortSignal'],
];

describe('store: bad input is refused before anything is sent', () => {
  it.each(cases)('%s', async (_name, call, code, message) => {
    const { client, engine } = await h.connected();
    const error = await call(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code, message });
    expect(engine.requests().filter((r) => r.command === 'rrext_store')).toEqual([]);
  });

  it('an already aborted signal rejects with ERR_ABORTED and sends nothing', async () => {
    const { client, engine } = await h.connected();
    const signal = AbortSignal.abort();
    for (const call of [client.fsStat('a', { signal }), client.fsOpen('a', 'r', { signal }), client.fsWriteString('a', 'x', { signal })]) {
      await expect(call).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    }
    expect(engine.requests().filter((r) => r.command === 'rrext_store')).toEqual([]);
  });

  it('legal names pass: spaces, non-ASCII, %, quote, .hidden, ...', async () => {
    const { client } = await h.connected();
    for (const name of ['a b', 'é€', '50%', "it's", '.hidden', '...']) {
      await client.fsWriteString(`legal/${name}`, name);
      expect(await client.fsReadString(`legal/${name}`)).toBe(name);
    }
  });
});

describe('store error codes from engine messages', () => {
  it.each([
    ['File not found: users/local/files/x', 'ERR_STORE_NOT_FOUND'],
    ['Too many open handles for connection 3', 'ERR_STORE_HANDLES'],
    ['Cannot modify: handle open under users/local/files/d/', 'ERR_STORE_LOCKED'],
    ['Cannot rename onto file that is open for writing: x', 'ERR_STORE_LOCKED'],
    ['Wrong handle mode: expected r, got w', 'ERR_STORE_HANDLE'],
    ["Failed to write file users/local/files/f/.dirmarker: [Errno 17] File exists: '/abs/f/.dirmarker'", 'ERR_STORE_EXISTS'],
    ['Invalid command: rrext_store', 'ERR_STORE_UNSUPPORTED'],
    ['Unknown subcommand: fs_read', 'ERR_STORE_UNSUPPORTED'],
    ['something else', 'ERR_STORE_FAILED'],
  ])('%s → %s', (message, code) => {
    expect(storeErrorCode(message)).toBe(code);
  });
});
