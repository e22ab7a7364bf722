import { KEY } from './session.js';
import { type RocketRide, RocketRideClient } from 'rocketride-streams';
import { type Bad, BAD_JSON_OBJECT, BAD_OPTIONS, badRequiredOptions, callOptions, type Entry, NOT_BOOLEAN, NOT_NON_EMPTY_STRING, NOT_OBJECT, NOT_SIGNAL, NOT_STRING, opts, or, throwingGetter, throwingProxy } from './grid.js';

/** What the entries call into: a connected façade client, its task token, and a factory of unconnected clients. */
export interface CommandsCtx {
  client: RocketRide;
  token: string;
  uri: string;
  fresh(): RocketRide;
}

const NOT_MS: Bad = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40, '1000', KEY, {}, null];
const NOT_TYPES: Bad = ['x', 42, null, {}, [42], throwingProxy()];
const BAD_PROJECT_ID: Bad = [...NOT_NON_EMPTY_STRING, '../x', 'a/b', ' a', 'a*b'];
const BAD_SCHEDULE: Bad = [42, '', 'never', '@sometimes', '* * *', '99 * * * *', {}, null];
const NOT_TARGET: Bad = [42, '', {}, [], true];

const x = <T>(v: unknown) => v as T;

/**
 * The commands of the client beyond the data path: connection (connect/login/attach/…), tasks,
 * services/validate/ping/status, requests, deployments, dashboard, profiling, account and the database
 * helper. Keys name the method as the surface test lists it.
 */
export function commandEntries(ctx: () => CommandsCtx): Record<string, () => Entry> {
  const c = (): RocketRide => ctx().client;
  const t = (): string => ctx().token;
  return {
    // ---- connection ----
    'client.login': () => ({ fields: { credential: [42, true, [], null], ...callOptions() }, call: (b) => ctx().fresh().login(x(or(b, 'credential', undefined)), x(opts(b))) }),
    'client.attach': () => ({ fields: { uri: [42, '', ' ', {}, null], ...callOptions() }, call: (b) => ctx().fresh().attach(x(or(b, 'uri', ctx().uri)), x(opts(b))) }),
    'client.connect': () => ({ fields: callOptions(), call: (b) => ctx().fresh().connect(undefined, x(opts(b))) }),
    'client.setConnectionParams': () => ({
      fields: { params: [...NOT_OBJECT, throwingProxy(), throwingGetter('uri')], uri: [42, '', {}, null], auth: [42, {}, null] },
      call: (b) => ctx().fresh().setConnectionParams(x(or(b, 'params', { ...('uri' in b ? { uri: b.uri } : {}), ...('auth' in b ? { auth: b.auth } : {}) }))),
    }),
    'client.setEnv': () => ({ fields: { env: [...NOT_OBJECT, { A: 42 }, throwingProxy(), throwingGetter('A')] }, call: (b) => c().setEnv(x(b.env)) }),
    'client.request': () => ({
      fields: { command: NOT_NON_EMPTY_STRING, args: [42, 'x', [], true, ...[BAD_JSON_OBJECT[4]]], ...callOptions(), 'options.timeout': NOT_MS },
      call: (b) => c().request(x(or(b, 'command', 'rrext_ping')), x(or(b, 'args', {})), x(opts(b))),
    }),
    'client.dapRequest': () => ({
      fields: { command: NOT_NON_EMPTY_STRING, args: [42, 'x', []], ...callOptions(), 'options.timeout': NOT_MS },
      call: (b) => c().dapRequest(x(or(b, 'command', 'rrext_ping')), x(or(b, 'args', {})), x(opts(b))),
    }),
    'client.call': () => ({
      fields: { command: NOT_NON_EMPTY_STRING, args: [42, 'x', []], ...callOptions() },
      call: (b) => c().call(x(or(b, 'command', 'rrext_ping')), x(or(b, 'args', {})), x(opts(b))),
    }),
    // A string is the official SDK's (ignored) token argument, so only the other bad options apply.
    'client.ping': () => ({ fields: { options: BAD_OPTIONS.filter((v) => typeof v !== 'string'), 'options.signal': NOT_SIGNAL, 'options.timeout': NOT_MS }, call: (b) => c().ping(x(opts(b))) }),
    'client.getServerInfo': () => ({ fields: { ...callOptions(), 'options.timeout': NOT_MS }, call: (b) => c().getServerInfo(x(opts(b))) }),
    'RocketRideClient.getServerInfo': () => ({
      fields: { uri: [42, '', null, {}], ...callOptions(), 'options.timeout': NOT_MS },
      call: (b) => RocketRideClient.getServerInfo(x(or(b, 'uri', ctx().uri)), x(opts(b))),
    }),
    'RocketRideClient.normalizeUri': () => ({ fields: { uri: [42, '', ' ', null, {}, 'http://'] }, call: (b) => RocketRideClient.normalizeUri(x(b.uri)) }),
    'client.on': () => ({ fields: { name: [42, '', null, {}], listener: [42, 'x', null, {}] }, call: (b) => c().on(or(b, 'name', 'connected') as never, or(b, 'listener', () => {}) as never) }),
    'client.once': () => ({ fields: { name: [42, '', null, {}], listener: [42, 'x', null, {}] }, call: (b) => c().once(or(b, 'name', 'connected') as never, or(b, 'listener', () => {}) as never) }),
    'client.off': () => ({ fields: { name: [42, '', null, {}], listener: [42, 'x', null, {}] }, call: (b) => c().off(or(b, 'name', 'connected') as never, or(b, 'listener', () => {}) as never) }),
    'client.adoptEngine': () => ({ fields: { engine: [42, 'x', null, {}, undefined] }, call: (b) => ctx().fresh().adoptEngine(x(b.engine)) }),
    // ---- tasks ----
    'client.use': () => ({
      fields: {
        options: badRequiredOptions('pipeline'),
        pipeline: BAD_JSON_OBJECT,
        filepath: NOT_NON_EMPTY_STRING,
        source: NOT_NON_EMPTY_STRING,
        token: NOT_NON_EMPTY_STRING,
        threads: [0, -1, 1.5, Number.NaN, 2 ** 40, '4'],
        ttl: [-1, 1.5, Number.NaN, 2 ** 40, '4'],
        useExisting: NOT_BOOLEAN,
        args: ['x', [42], {}],
        env: [...NOT_OBJECT, { A: 42 }],
        pipelineTraceLevel: ['x', 42],
        signal: NOT_SIGNAL,
      },
      call: (b) => {
        if ('options' in b) return c().use(x(b.options));
        const base = 'filepath' in b ? {} : { pipeline: { components: [] } };
        return c().use(x({ ...base, ...b }));
      },
    }),
    'client.terminate': () => ({ fields: { token: NOT_NON_EMPTY_STRING, ...callOptions() }, call: (b) => c().terminate(x(or(b, 'token', 'no-such-token')), x(opts(b))) }),
    'client.getTaskToken': () => ({
      fields: { options: badRequiredOptions('projectId'), projectId: NOT_NON_EMPTY_STRING, source: NOT_NON_EMPTY_STRING, signal: NOT_SIGNAL },
      call: (b) => c().getTaskToken(x(or(b, 'options', { projectId: 'p', source: 's', ...b }))),
    }),
    'client.getTaskPipeline': () => ({ fields: { token: NOT_NON_EMPTY_STRING, ...callOptions() }, call: (b) => c().getTaskPipeline(x(or(b, 'token', t())), x(opts(b))) }),
    'client.getTasks': () => ({ fields: callOptions(), call: (b) => c().getTasks(x(opts(b))) }),
    'client.restart': () => ({
      fields: { options: badRequiredOptions('token'), token: NOT_NON_EMPTY_STRING, projectId: NOT_NON_EMPTY_STRING, pipeline: [42, 'x', [], null], signal: NOT_SIGNAL },
      call: (b) => c().restart(x(or(b, 'options', 'projectId' in b ? { source: 's', ...b } : { token: 'no-such-token', ...b }))),
    }),
    'client.getTaskStatus': () => ({ fields: { token: NOT_NON_EMPTY_STRING, ...callOptions(), 'options.timeout': NOT_MS }, call: (b) => c().getTaskStatus(x(or(b, 'token', t())), x(opts(b))) }),
    'client.openPipe': () => ({
      fields: { token: NOT_NON_EMPTY_STRING, objinfo: [42, 'x', [], null, { name: 42 }, { size: -1 }], mimetype: NOT_NON_EMPTY_STRING, options: [42, 'x', null, throwingProxy()] },
      call: (b) => c().openPipe(x(or(b, 'token', t())), x(or(b, 'objinfo', { name: 'o.txt' })), x(or(b, 'mimetype', 'text/plain')), x(or(b, 'options', {}))),
    }),
    'client.setEvents': () => ({
      fields: { token: NOT_NON_EMPTY_STRING, types: NOT_TYPES, options: [-1, 1.5, 'x', null, throwingProxy()], 'options.pipeId': [-1, 1.5, 'x', {}], 'options.signal': NOT_SIGNAL },
      call: (b) => c().setEvents(x(or(b, 'token', t())), x(or(b, 'types', ['summary'])), x(opts(b))),
    }),
    'client.addMonitor': () => ({
      fields: { key: [...NOT_OBJECT, { token: 42 }, { projectId: 'p' }, { token: 't', projectId: 'p', source: 's' }, throwingProxy()], types: NOT_TYPES, ...callOptions() },
      call: (b) => c().addMonitor(x(or(b, 'key', { token: t() })), x(or(b, 'types', ['summary'])), x(opts(b))),
    }),
    'client.removeMonitor': () => ({
      fields: { key: [...NOT_OBJECT, { token: 42 }, { projectId: 'p' }, throwingProxy()], types: NOT_TYPES, ...callOptions() },
      call: (b) => c().removeMonitor(x(or(b, 'key', { token: t() })), x(or(b, 'types', ['summary'])), x(opts(b))),
    }),
    // ---- services ----
    'client.getServices': () => ({ fields: callOptions(), call: (b) => c().getServices(x(opts(b))) }),
    'client.getService': () => ({ fields: { name: NOT_NON_EMPTY_STRING, ...callOptions() }, call: (b) => c().getService(x(or(b, 'name', 'echo')), x(opts(b))) }),
    'client.validate': () => ({
      fields: { pipeline: BAD_JSON_OBJECT, 'pipeline.pipeline': [42, 'x', []], ...callOptions(), 'options.source': NOT_NON_EMPTY_STRING },
      call: (b) => c().validate(x(or(b, 'pipeline', 'pipeline.pipeline' in b ? { pipeline: b['pipeline.pipeline'] } : { components: [] })), x(opts(b))),
    }),
    // ---- server tools ----
    'deploy.add': () => ({
      fields: { pipeline: [...BAD_JSON_OBJECT, {}, { project_id: '../x' }], schedule: BAD_SCHEDULE, options: [42, true, [], throwingProxy()], 'options.signal': NOT_SIGNAL },
      call: (b) => c().deploy.add(x(or(b, 'pipeline', { project_id: 'p1', components: [] })), x(or(b, 'schedule', 'manual')), x(opts(b))),
    }),
    'deploy.list': () => ({ fields: callOptions(), call: (b) => c().deploy.list(x(opts(b))) }),
    'deploy.status': () => ({ fields: { projectId: BAD_PROJECT_ID, ...callOptions() }, call: (b) => c().deploy.status(x(or(b, 'projectId', 'p1')), x(opts(b))) }),
    'deploy.update': () => ({
      fields: { projectId: BAD_PROJECT_ID, changes: [42, 'x', null, [], throwingProxy()], 'changes.pipeline': [42, 'x', [], BAD_JSON_OBJECT[4]], 'changes.schedule': BAD_SCHEDULE, ...callOptions() },
      call: (b) => {
        const changes = or(b, 'changes', { ...('changes.pipeline' in b ? { pipeline: b['changes.pipeline'] } : {}), ...('changes.schedule' in b ? { schedule: b['changes.schedule'] } : {}) });
        return c().deploy.update(x(or(b, 'projectId', 'p1')), x(changes), x(opts(b)));
      },
    }),
    'deploy.remove': () => ({ fields: { projectId: BAD_PROJECT_ID, ...callOptions() }, call: (b) => c().deploy.remove(x(or(b, 'projectId', 'p1')), x(opts(b))) }),
    'client.getDashboard': () => ({ fields: callOptions(), call: (b) => c().getDashboard(x(opts(b))) }),
    'client.cprofileStart': () => ({
      fields: { target: NOT_TARGET, session: [42, '', {}, null], ...callOptions() },
      call: (b) => c().cprofileStart(x(or(b, 'target', undefined)), x(or(b, 'session', undefined)), x(opts(b))),
    }),
    'client.cprofileStop': () => ({ fields: { target: NOT_TARGET, ...callOptions() }, call: (b) => c().cprofileStop(x(or(b, 'target', undefined)), x(opts(b))) }),
    'client.cprofileStatus': () => ({ fields: { target: NOT_TARGET, ...callOptions() }, call: (b) => c().cprofileStatus(x(or(b, 'target', undefined)), x(opts(b))) }),
    'client.cprofileReport': () => ({ fields: { target: NOT_TARGET, ...callOptions() }, call: (b) => c().cprofileReport(x(or(b, 'target', undefined)), x(opts(b))) }),
    'account.me': () => ({
      fields: { subcommand: ['x', 42, null, 'get_token'], args: [42, 'x', null, []], ...callOptions() },
      call: (b) => c().account.me(x(or(b, 'subcommand', 'env_keys')), x(or(b, 'args', {})), x(opts(b))),
    }),
    'account.getEnv': () => ({
      fields: { scope: ['x', 'USER', ''], scopeId: [42, '', {}], ...callOptions() },
      call: (b) => ('scope' in b || 'scopeId' in b ? c().account.getEnv(x(or(b, 'scope', 'org')), x(or(b, 'scopeId', 'o1')), x(opts(b))) : c().account.getEnv(x(opts(b)))),
    }),
    'account.setEnv': () => ({
      fields: { env: [...NOT_OBJECT, { A: 42 }, throwingProxy(), throwingGetter('ROCKETRIDE_X')], scope: ['x', ''], scopeId: [42, '', {}], ...callOptions() },
      call: (b) =>
        'scope' in b || 'scopeId' in b
          ? c().account.setEnv(x(or(b, 'scope', 'org')), x({ ROCKETRIDE_X: '1' }), x(or(b, 'scopeId', 'o1')), x(opts(b)))
          : c().account.setEnv(x(or(b, 'env', { ROCKETRIDE_X: '1' })), x(opts(b))),
    }),
    'account.getEnvironmentKeys': () => ({ fields: callOptions(), call: (b) => c().account.getEnvironmentKeys(x(opts(b))) }),
    'account.envKeys': () => ({ fields: callOptions(), call: (b) => c().account.envKeys(x(opts(b))) }),
    'account.getProfile': () => ({ fields: callOptions(), call: (b) => c().account.getProfile(x(opts(b))) }),
    'account.get': () => ({ fields: callOptions(), call: (b) => c().account.get(x(opts(b))) }),
    'account.updateProfile': () => ({
      fields: { fields: [...BAD_JSON_OBJECT, throwingGetter('name')], ...callOptions() },
      call: (b) => c().account.updateProfile(x(or(b, 'fields', { name: 'n' })), x(opts(b))),
    }),
    'account.update': () => ({ fields: { fields: BAD_JSON_OBJECT, ...callOptions() }, call: (b) => c().account.update(x(or(b, 'fields', { name: 'n' })), x(opts(b))) }),
    'account.setDefaultTeam': () => ({ fields: { teamId: NOT_NON_EMPTY_STRING, ...callOptions() }, call: (b) => c().account.setDefaultTeam(x(or(b, 'teamId', 'team1')), x(opts(b))) }),
    'account.deleteAccount': () => ({ fields: callOptions(), call: (b) => c().account.deleteAccount(x(opts(b))) }),
    'account.delete': () => ({ fields: callOptions(), call: (b) => c().account.delete(x(opts(b))) }),
    'database.query': () => ({
      fields: { options: badRequiredOptions('token'), token: NOT_NON_EMPTY_STRING, sql: [...NOT_STRING, '', ' '], signal: NOT_SIGNAL },
      call: (b) => c().database.query(x(or(b, 'options', { token: t(), sql: 'select 1', ...b }))),
    }),
    'database.dialect': () => ({
      fields: { options: badRequiredOptions('token'), token: NOT_NON_EMPTY_STRING, signal: NOT_SIGNAL },
      call: (b) => c().database.dialect(x(or(b, 'options', { token: t(), ...b }))),
    }),
  };
}

