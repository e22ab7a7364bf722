import { Readable } from 'node:stream';
import { receiveStoreUpload, receiveUpload, storeDownloadHandler, storeUploadHandler } from '@rocketride-streams/express';
import { connectPool, connection$, dashboard$, ofType, type PoolTask, progress$, type RocketRide, type RocketRidePool } from 'rocketride-streams';
import { type Bad, type Entry, NOT_BOOLEAN, NOT_FUNCTION, NOT_NON_EMPTY_STRING, NOT_NON_NEGATIVE_INT, NOT_POSITIVE_INT, NOT_SIGNAL, NOT_STRING, opts, or, throwingGetter, throwingProxy } from './grid.js';
import { KEY } from './session.js';

/** What the entries call into: a connected façade client and its token, a pool over the same engine and one of its tasks, a file. */
export interface PoolCtx {
  client: RocketRide;
  token: string;
  uri: string;
  pool: RocketRidePool;
  task: PoolTask;
  file: string;
}

/** Bad grace periods (rx takes any non-negative number of ms up to the timer limit, fractions included). */
const NOT_MS: Bad = [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40, '1000', KEY, {}, null];
const x = <T>(v: unknown) => v as T;

/** A request whose body was never read (`text/plain`, one byte). */
function request(): Readable & { headers: Record<string, string>; method: string; url: string } {
  return Object.assign(Readable.from([Buffer.from('x')]), { headers: { 'content-type': 'text/plain', 'content-length': '1' }, method: 'POST', url: '/u' });
}

/** The fields of PipeOptions (as in options.test.ts), as `options.*`, plus the options object itself. */
function pipeFields(): Record<string, Bad> {
  return {
    options: [42, 'x', true, [], throwingProxy(), throwingGetter('name')],
    'options.name': NOT_STRING.filter((v) => v !== null),
    'options.size': [-1, 1.5, Number.NaN, '3', {}],
    'options.mimeType': NOT_NON_EMPTY_STRING.filter((v) => v !== null),
    'options.maxWriteBytes': NOT_POSITIVE_INT.filter((v) => v !== null),
    'options.highWaterMark': NOT_NON_NEGATIVE_INT.filter((v) => v !== null),
    'options.signal': NOT_SIGNAL.filter((v) => v !== null),
    'options.onProgress': NOT_FUNCTION.filter((v) => v !== null),
    'options.objinfo': [42, 'x', true, throwingProxy()],
  };
}

/**
 * The rx helpers and the façade's Observable methods, the pool (`connectPool`, `RocketRidePool`,
 * `PoolTask`) and the Express store handlers. Keys name the method as the surface test lists it.
 */
export function poolEntries(ctx: () => PoolCtx): Record<string, () => Entry> {
  const c = (): RocketRide => ctx().client;
  const t = (): string => ctx().token;
  return {
    // ---- the façade's Observable methods (the rx functions are in options.test.ts) ----
    'client.events$': () => ({
      fields: { filter: [42, null, true, {}, throwingProxy()], 'filter.types': ['x', 42, [42], ['NOT_A_TYPE']], options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS },
      call: (b) => c().events$(x(or(b, 'filter', { token: t(), ...('filter.types' in b ? { types: b['filter.types'] } : {}) })), x(opts(b))),
    }),
    'client.status$': () => ({ fields: { token: NOT_NON_EMPTY_STRING, options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS, 'options.taskId': NOT_STRING.filter((v) => v !== null) }, call: (b) => c().status$(x(or(b, 'token', t())), x(opts(b))) }),
    'client.task$': () => ({ fields: { token: NOT_NON_EMPTY_STRING, options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS }, call: (b) => c().task$(x(or(b, 'token', t())), x(opts(b))) }),
    'client.sse$': () => ({
      fields: { token: NOT_NON_EMPTY_STRING, pipeId: [-1, 1.5, 'x', {}, Number.NaN], options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS },
      call: (b) => c().sse$(x(or(b, 'token', t())), x(or(b, 'pipeId', undefined)), x(opts(b))),
    }),
    // ---- rx helpers ----
    'rx dashboard$': () => ({
      fields: { client: [42, null, {}, 'x'], options: [42, 'x', throwingProxy()], 'options.interval': [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40, '1000', {}] },
      call: (b) => dashboard$(x(or(b, 'client', c())), x(opts(b))),
    }),
    'rx connection$': () => ({ fields: { client: [42, null, {}, 'x', undefined] }, call: (b) => connection$(x(b.client)) }),
    'rx progress$': () => ({ fields: { sink: [42, null, {}, 'x', undefined] }, call: (b) => progress$(x(b.sink)) }),
    'rx ofType': () => ({ fields: { names: [[], [42], [''], [null]] }, call: (b) => ofType(...(b.names as [never])) }),
    // ---- the pool ----
    'connectPool': () => ({
      fields: {
        options: [42, 'x', true, null, [], throwingProxy(), throwingGetter('engines')],
        engines: [42, [], [42], [''], [{}], [{ uri: 42 }], [{ uri: 'x', extra: 1 }], ['', ' ']],
        strategy: ['x', 42, null],
        signal: NOT_SIGNAL.filter((v) => v !== null),
        auth: [42, {}],
        requestTimeout: NOT_MS.filter((v) => v !== null),
        uri: ['ws://127.0.0.1:1'],
        persist: [true],
        onEvent: [() => {}],
      },
      call: (b) => connectPool(x('options' in b ? b.options : { engines: [ctx().uri], auth: KEY, env: {}, ...b })),
    }),
    'pool.use': () => ({
      fields: {
        pipeline: [42, '', null, [], true],
        options: [42, 'x', null, [], throwingProxy(), throwingGetter('replicas')],
        'options.replicas': [0, 2, -1, 1.5, 'x', null],
        'options.threads': [0, -1, 1.5, '4'],
        'options.ttl': [-1, 1.5, '4'],
        'options.useExisting': NOT_BOOLEAN,
        'options.signal': NOT_SIGNAL.filter((v) => v !== null),
        'options.token': NOT_NON_EMPTY_STRING.filter((v) => v !== null),
        'options.pipeline': [{}],
      },
      call: (b) => ctx().pool.use(x(or(b, 'pipeline', { components: [] })), x(opts(b))),
    }),
    'pool.terminate': () => ({
      fields: { task: [42, null, {}, 'x', throwingProxy()], options: [42, 'x', throwingProxy()], 'options.signal': NOT_SIGNAL.filter((v) => v !== null) },
      call: (b) => ctx().pool.terminate(x(or(b, 'task', ctx().task)), x(opts(b))),
    }),
    'pool.events$': () => ({
      fields: { target: [42, null, 'x', undefined, throwingProxy()], options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS.filter((v) => v !== null) },
      call: (b) => ctx().pool.events$(x('target' in b ? b.target : ctx().task), x(opts(b))),
    }),
    'pool.status$': () => ({
      fields: { task: [42, null, {}, 'x', undefined], options: [42, 'x', throwingProxy()], 'options.graceMs': NOT_MS.filter((v) => v !== null) },
      call: (b) => ctx().pool.status$(x('task' in b ? b.task : ctx().task), x(opts(b))),
    }),
    'poolTask.pipe': () => ({ fields: pipeFields(), call: (b) => ctx().task.pipe(x(opts(b, { name: 'p.bin' }))) }),
    'poolTask.writable': () => ({ fields: pipeFields(), call: (b) => ctx().task.writable(x(opts(b, { name: 'w.bin' }))) }),
    'poolTask.upload': () => ({
      fields: { source: [42, null, {}, { path: 42 }], ...pipeFields(), 'options.noEngineWaitMs': NOT_MS.filter((v) => v !== null) },
      call: (b) => ctx().task.upload(x(or(b, 'source', { path: ctx().file })), x(opts(b))),
    }),
    'poolTask.uploadFiles': () => ({
      fields: {
        files: [42, 'x', null, [42], [[42]], [{}]],
        options: [42, 'x', null, throwingProxy()],
        'options.concurrency': NOT_POSITIVE_INT.filter((v) => v !== null),
        'options.signal': NOT_SIGNAL.filter((v) => v !== null),
        'options.onProgress': NOT_FUNCTION.filter((v) => v !== null),
      },
      call: (b) => ctx().task.uploadFiles(x(or(b, 'files', [ctx().file])), x(opts(b))),
    }),
    'poolTask.tokenOf': () => ({ fields: { engine: [42, null, {}, undefined] }, call: (b) => ctx().task.tokenOf(x(b.engine)) }),
    // ---- Express receive functions (a request that was never read) ----
    'express receiveUpload()': () => ({
      fields: {
        options: [42, 'x', null, throwingProxy()],
        'options.token': [undefined, '', 42, {}],
        'options.limit': [-1, Number.NaN, 'x', {}],
        'options.name': NOT_FUNCTION,
        'options.mimeType': NOT_FUNCTION,
        'options.pipeOptions': NOT_FUNCTION,
        'options.onBodyIncomplete': NOT_FUNCTION,
        'options.multipart': [42, 'x', throwingProxy()],
      },
      call: (b) => receiveUpload(c(), request() as never, opts(b, 'options.token' in b ? {} : { token: t() }) as never),
    }),
    'express receiveStoreUpload()': () => ({
      fields: { options: [42, 'x', null, throwingProxy()], 'options.path': [undefined, 'x', 42], 'options.overwrite': NOT_BOOLEAN, 'options.limit': [-1, Number.NaN, 'x', 1.5], 'options.onBodyIncomplete': NOT_FUNCTION },
      call: (b) => receiveStoreUpload(c(), request() as never, opts(b, 'options.path' in b ? {} : { path: () => 'grid/r.bin' }) as never),
    }),
    // ---- Express store handlers ----
    'express storeUploadHandler()': () => ({
      fields: { options: [42, 'x', null, throwingProxy()], 'options.path': [undefined, 'x', 42, null], 'options.overwrite': NOT_BOOLEAN, 'options.limit': [-1, Number.NaN, 'x', {}, 1.5] },
      call: (b) => storeUploadHandler(c(), opts(b, 'options.path' in b ? {} : { path: () => 'grid/u.bin' }) as never),
    }),
    'express storeDownloadHandler()': () => ({
      fields: {
        options: [42, 'x', null, throwingProxy()],
        'options.path': [undefined, 'x', 42, null],
        'options.contentType': NOT_FUNCTION,
        'options.attachment': ['x', 42, {}],
        'options.highWaterMark': NOT_POSITIVE_INT,
      },
      call: (b) => storeDownloadHandler(c(), opts(b, 'options.path' in b ? {} : { path: () => 'grid/u.bin' }) as never),
    }),
  };
}

