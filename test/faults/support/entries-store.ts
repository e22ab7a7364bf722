import type { RocketRide } from 'rocketride-streams';
import { type Bad, BAD_ENTRY_PATH, BAD_JSON_OBJECT, BAD_OPTIONS, BAD_PATH, callOptions, type Entry, NOT_BOOLEAN, NOT_NON_EMPTY_STRING, NOT_NON_NEGATIVE_INT, NOT_POSITIVE_INT, NOT_SIGNAL, opts, or } from './grid.js';

/** What the entries call into: a connected façade client. */
export interface StoreCtx {
  client: RocketRide;
}

const BAD_ID: Bad = [...NOT_NON_EMPTY_STRING, 'a/b', 'a\\b', '..', 'a*b'];
const NOT_MODE: Bad = ['x', 'rw', 42, null, {}];
const NOT_BYTES: Bad = [42, null, {}, [42], [new Uint8Array(1), 'x'], true];


/**
 * The file store's entry points: the client's `fs*` commands and template/log helpers (core), and
 * `client.store` (streams). Keys name the method as the surface test (`surface.test.ts`) lists it.
 */
export function storeEntries(ctx: () => StoreCtx): Record<string, () => Entry> {
  const c = (): RocketRide => ctx().client;
  const x = <T>(v: unknown) => v as T;
  return {
    'client.fsOpen': () => ({
      fields: { path: BAD_ENTRY_PATH, mode: NOT_MODE, ...callOptions() },
      call: (b) => c().fsOpen(x(or(b, 'path', 'grid/a.txt')), x(or(b, 'mode', 'r')), x(opts(b))),
    }),
    'client.fsRead': () => ({
      fields: { handle: NOT_NON_EMPTY_STRING, offset: NOT_NON_NEGATIVE_INT, length: NOT_POSITIVE_INT, ...callOptions() },
      call: (b) => c().fsRead(x(or(b, 'handle', 'h-1')), x(or(b, 'offset', 0)), x(or(b, 'length', 10)), x(opts(b))),
    }),
    'client.fsWrite': () => ({
      fields: { handle: NOT_NON_EMPTY_STRING, data: NOT_BYTES, ...callOptions() },
      call: (b) => c().fsWrite(x(or(b, 'handle', 'h-1')), x(or(b, 'data', 'abc')), x(opts(b))),
    }),
    'client.fsClose': () => ({
      fields: { handle: NOT_NON_EMPTY_STRING, mode: NOT_MODE, ...callOptions() },
      call: (b) => c().fsClose(x(or(b, 'handle', 'h-1')), x(or(b, 'mode', 'r')), x(opts(b))),
    }),
    'client.fsDelete': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().fsDelete(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'client.fsListDir': () => ({ fields: { path: BAD_PATH, ...callOptions() }, call: (b) => c().fsListDir(x(or(b, 'path', 'grid')), x(opts(b))) }),
    'client.fsMkdir': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().fsMkdir(x(or(b, 'path', 'grid/d')), x(opts(b))) }),
    'client.fsRmdir': () => ({
      fields: { path: BAD_ENTRY_PATH, recursive: NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().fsRmdir(x(or(b, 'path', 'grid/d')), x(or(b, 'recursive', false)), x(opts(b))),
    }),
    'client.fsStat': () => ({ fields: { path: BAD_PATH, ...callOptions() }, call: (b) => c().fsStat(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'client.fsRename': () => ({
      fields: { oldPath: BAD_ENTRY_PATH, newPath: BAD_ENTRY_PATH, ...callOptions() },
      call: (b) => c().fsRename(x(or(b, 'oldPath', 'grid/a.txt')), x(or(b, 'newPath', 'grid/b.txt')), x(opts(b))),
    }),
    'client.fsReadString': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().fsReadString(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'client.fsReadJson': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().fsReadJson(x(or(b, 'path', 'grid/a.json')), x(opts(b))) }),
    'client.fsWriteString': () => ({
      fields: { path: BAD_ENTRY_PATH, text: [42, null, {}, [], true], overwrite: NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().fsWriteString(x(or(b, 'path', 'grid/a.txt')), x(or(b, 'text', 'abc')), x(opts(b, 'overwrite' in b ? { overwrite: b.overwrite } : {}))),
    }),
    'client.fsWriteJson': () => ({
      fields: { path: BAD_ENTRY_PATH, value: [undefined, () => 1, cyclicValue(), 10n], overwrite: NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().fsWriteJson(x(or(b, 'path', 'grid/a.json')), 'value' in b ? b.value : { a: 1 }, x(opts(b, 'overwrite' in b ? { overwrite: b.overwrite } : {}))),
    }),
    'client.saveTemplate': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], templateId: BAD_ID, pipeline: BAD_JSON_OBJECT, 'options.signal': NOT_SIGNAL },
      call: (b) => c().saveTemplate(x(or(b, 'options', { templateId: or(b, 'templateId', 't1'), pipeline: or(b, 'pipeline', { components: [] }), signal: b['options.signal'] }))),
    }),
    'client.getTemplate': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], templateId: BAD_ID, 'options.signal': NOT_SIGNAL },
      call: (b) => c().getTemplate(x(or(b, 'options', { templateId: or(b, 'templateId', 't1'), signal: b['options.signal'] }))),
    }),
    'client.deleteTemplate': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], templateId: BAD_ID, 'options.signal': NOT_SIGNAL },
      call: (b) => c().deleteTemplate(x(or(b, 'options', { templateId: or(b, 'templateId', 't1'), signal: b['options.signal'] }))),
    }),
    'client.getAllTemplates': () => ({ fields: callOptions(), call: (b) => c().getAllTemplates(x(opts(b))) }),
    'client.saveLog': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], projectId: BAD_ID, source: BAD_ID, contents: [...BAD_JSON_OBJECT, {}, { body: { startTime: {} } }], 'options.signal': NOT_SIGNAL },
      call: (b) =>
        c().saveLog(
          x(or(b, 'options', { projectId: or(b, 'projectId', 'p1'), source: or(b, 'source', 's1'), contents: or(b, 'contents', { body: { startTime: 1 } }), signal: b['options.signal'] })),
        ),
    }),
    'client.getLog': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], projectId: BAD_ID, name: BAD_ID, 'options.signal': NOT_SIGNAL },
      call: (b) => c().getLog(x(or(b, 'options', { projectId: or(b, 'projectId', 'p1'), name: or(b, 'name', 'n.log'), signal: b['options.signal'] }))),
    }),
    'client.deleteLog': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], projectId: BAD_ID, name: BAD_ID, 'options.signal': NOT_SIGNAL },
      call: (b) => c().deleteLog(x(or(b, 'options', { projectId: or(b, 'projectId', 'p1'), name: or(b, 'name', 'n.log'), signal: b['options.signal'] }))),
    }),
    'client.listLogs': () => ({
      fields: { options: [undefined, ...BAD_OPTIONS], projectId: BAD_ID, source: ['', 42, 'a/b'], 'options.signal': NOT_SIGNAL },
      call: (b) => c().listLogs(x(or(b, 'options', { projectId: or(b, 'projectId', 'p1'), source: b.source, signal: b['options.signal'] }))),
    }),
    // ---- client.store (streams) ----
    'store.createReadStream': () => ({ fields: readFields(), call: (b) => c().store.createReadStream(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'store.readable': () => ({ fields: readFields(), call: (b) => c().store.readable(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'store.createWriteStream': () => ({ fields: writeFields(), call: (b) => c().store.createWriteStream(x(or(b, 'path', 'grid/w.txt')), x(opts(b))) }),
    'store.writable': () => ({ fields: writeFields(), call: (b) => c().store.writable(x(or(b, 'path', 'grid/w.txt')), x(opts(b))) }),
    'store.readFile': () => ({
      fields: { path: BAD_ENTRY_PATH, 'options.encoding': ['klingon', 42, {}], ...callOptions() },
      call: (b) => c().store.readFile(x(or(b, 'path', 'grid/a.txt')), x(opts(b))),
    }),
    'store.writeFile': () => ({
      fields: { path: BAD_ENTRY_PATH, data: [42, null, {}, true, [42]], 'options.overwrite': NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().store.writeFile(x(or(b, 'path', 'grid/w.txt')), x(or(b, 'data', 'abc')), x(opts(b))),
    }),
    'store.readJson': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().store.readJson(x(or(b, 'path', 'grid/a.json')), x(opts(b))) }),
    'store.writeJson': () => ({
      fields: { path: BAD_ENTRY_PATH, value: [undefined, () => 1, cyclicValue(), 10n], 'options.space': [-1, {}, true, Number.NaN], 'options.overwrite': NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().store.writeJson(x(or(b, 'path', 'grid/w.json')), 'value' in b ? b.value : { a: 1 }, x(opts(b))),
    }),
    'store.list': () => ({ fields: { path: BAD_PATH, ...callOptions() }, call: (b) => c().store.list(x(or(b, 'path', 'grid')), x(opts(b))) }),
    'store.stat': () => ({ fields: { path: BAD_PATH, ...callOptions() }, call: (b) => c().store.stat(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'store.exists': () => ({ fields: { path: BAD_PATH, ...callOptions() }, call: (b) => c().store.exists(x(or(b, 'path', 'grid/a.txt')), x(opts(b))) }),
    'store.mkdir': () => ({ fields: { path: BAD_ENTRY_PATH, ...callOptions() }, call: (b) => c().store.mkdir(x(or(b, 'path', 'grid/d')), x(opts(b))) }),
    'store.rm': () => ({
      fields: { path: BAD_ENTRY_PATH, 'options.recursive': NOT_BOOLEAN, 'options.force': NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().store.rm(x(or(b, 'path', 'grid/a.txt')), x(opts(b))),
    }),
    'store.rename': () => ({
      fields: { from: BAD_ENTRY_PATH, to: BAD_ENTRY_PATH, 'options.overwrite': NOT_BOOLEAN, ...callOptions() },
      call: (b) => c().store.rename(x(or(b, 'from', 'grid/a.txt')), x(or(b, 'to', 'grid/b.txt')), x(opts(b))),
    }),
  };
}

function readFields(): Record<string, Bad> {
  return { path: BAD_ENTRY_PATH, 'options.start': NOT_NON_NEGATIVE_INT, 'options.end': NOT_NON_NEGATIVE_INT, 'options.highWaterMark': NOT_POSITIVE_INT, ...callOptions() };
}

function writeFields(): Record<string, Bad> {
  return { path: BAD_ENTRY_PATH, 'options.overwrite': NOT_BOOLEAN, 'options.highWaterMark': NOT_POSITIVE_INT, 'options.maxWriteBytes': NOT_POSITIVE_INT, ...callOptions() };
}

function cyclicValue(): unknown {
  const o: Record<string, unknown> = {};
  o.o = o;
  return o;
}

