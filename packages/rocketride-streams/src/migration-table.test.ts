// The migration table (packages/core/README.md, "Migrating from the official SDK") against the clients: every method
// a row names exists, every *planned* one does not yet, and every public method of the official TS SDK has a row.
import { readFileSync } from 'node:fs';
import { DataPipe, RocketRideClient } from '@rocketride-streams/core';
import { describe, expect, it } from 'vitest';
import * as streams from './index.js';
import { RocketRide } from './index.js';

const README = readFileSync(new URL('../../core/README.md', import.meta.url), 'utf8');

interface Row {
  official: string;
  core: string;
  streams: string;
}

/** The rows of the first table under the migration heading, cells split on unescaped `|`. */
function tableRows(): Row[] {
  const start = README.indexOf('## Migrating from the official SDK');
  const end = README.indexOf('\n## ', start + 1);
  const lines = README.slice(start, end).split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((line) => {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    return { official: cells[1] ?? '', core: cells[2] ?? '', streams: cells[3] ?? '' };
  });
}

/** The call each code span of a cell starts with: `deploy.add(…)` → `['deploy', 'add']`. Other spans are prose. */
function calls(cell: string): string[][] {
  const out: string[][] = [];
  for (const [, span] of cell.matchAll(/`([^`]+)`/g)) {
    const m = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(/.exec(span!);
    if (m) out.push(m[1]!.split('.'));
  }
  return out;
}

const options = { uri: 'ws://127.0.0.1:9/task/service', auth: 'k', env: {} };
const client = new RocketRideClient(options);
const rocketride = new RocketRide(options);

/** Whether following `path` from `root` ends on a function. */
function isFunction(root: unknown, path: readonly string[]): boolean {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || value === undefined) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'function';
}

/** A core-column call: `RocketRideClient.x` static, `DataPipe.x` on a pipe, else on a client. */
const coreHas = (path: string[]): boolean =>
  path[0] === 'RocketRideClient' ? isFunction(RocketRideClient, path.slice(1)) : path[0] === 'DataPipe' ? isFunction(DataPipe.prototype, path.slice(1)) : isFunction(client, path);

/** A streams-column call: `rocketride.x…` on a `RocketRide`, a bare name an export of `rocketride-streams`. */
const streamsHas = (path: string[]): boolean => (path[0] === 'rocketride' ? isFunction(rocketride, path.slice(1)) : path.length === 1 && isFunction(streams, path));

const isPlanned = (row: Row) => row.core.startsWith('*planned*');

/**
 * The official TypeScript SDK's public methods (RocketRideClient with its base classes, DataPipe and the deploy,
 * account, billing and database namespaces) as they appear in the table's first column.
 */
const OFFICIAL = [
  // connection and session
  'RocketRideClient.normalizeUri', 'RocketRideClient.getServerInfo', 'RocketRideClient.withConnection', 'attach', 'detach', 'isAttached',
  'login', 'logout', 'isAuthenticated', 'isConnected', 'connect', 'disconnect', 'getAccountInfo', 'getOrgId', 'setEnv',
  'getConnectionInfo', 'setConnectionParams', 'getApiKey', 'Symbol.asyncDispose', 'call', 'request', 'buildRequest', 'didFail',
  'buildResponse', 'buildEvent', 'buildError', 'buildException', 'getWebResponse', 'raiseException', 'debugMessage', 'debugProtocol',
  'onReceive', 'onEvent', 'onConnected', 'onDisconnected', 'onConnectError',
  // tasks and data
  'ping', 'validate', 'use', 'terminate', 'restart', 'getTaskStatus', 'getTaskToken', 'getTaskPipeline', 'pipe', 'send', 'sendFiles',
  'chat', 'setEvents', 'addMonitor', 'removeMonitor', 'getServices', 'getService', 'getServerInfo',
  'DataPipe.open', 'DataPipe.write', 'DataPipe.close', 'isOpened', 'pipeId',
  // store
  'fsOpen', 'fsRead', 'fsWrite', 'fsClose', 'fsDelete', 'fsListDir', 'fsMkdir', 'fsRmdir', 'fsStat', 'fsRename', 'fsReadString',
  'fsWriteString', 'fsReadJson', 'fsWriteJson', 'saveTemplate', 'getTemplate', 'deleteTemplate', 'getAllTemplates', 'saveLog', 'getLog',
  'deleteLog', 'listLogs',
  // server tools
  'getDashboard', 'cprofileStart', 'cprofileStop', 'cprofileStatus', 'cprofileReport', 'deploy', 'deploy.add', 'deploy.list',
  'deploy.status', 'deploy.update', 'deploy.remove', 'database', 'database.query', 'database.dialect',
  // account and billing
  'account', 'account.getProfile', 'account.updateProfile', 'account.setDefaultTeam', 'account.deleteAccount', 'account.getOrg',
  'account.updateOrgName', 'account.listKeys', 'account.createKey', 'account.revokeKey', 'account.listMembers', 'account.inviteMember',
  'account.updateMemberRole', 'account.removeMember', 'account.listTeams', 'account.getTeamDetail', 'account.createTeam',
  'account.deleteTeam', 'account.addTeamMember', 'account.updateTeamMemberPerms', 'account.removeTeamMember',
  'account.getEnvironmentKeys', 'account.getEnv', 'account.setEnv', 'billing', 'billing.getDetails', 'billing.getProductPrices',
  'billing.createCheckoutSession', 'billing.createPortalSession', 'billing.cancelSubscription', 'billing.getCreditBalance',
  'billing.listCreditPacks', 'billing.createCreditCheckout',
];

describe('the migration table from the official SDK', () => {
  const rows = tableRows();

  it('is found, with four columns on every row', () => {
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) expect(row.official).not.toBe('');
  });

  it('names only core-client methods that exist (second column)', () => {
    const missing = rows.filter((r) => !isPlanned(r)).flatMap((r) => calls(r.core).filter((c) => !coreHas(c)).map((c) => c.join('.')));
    expect(missing).toEqual([]);
  });

  it('names only streams-first methods and functions that exist (third column)', () => {
    const missing = rows.flatMap((r) => calls(r.streams).filter((c) => !streamsHas(c)).map((c) => c.join('.')));
    expect(missing).toEqual([]);
  });

  it('marks as *planned* only methods not written yet (when one exists, mark its row done)', () => {
    const planned = rows.filter(isPlanned).flatMap((r) => calls(r.core));
    expect(planned.filter((c) => coreHas(c)).map((c) => c.join('.'))).toEqual([]);
  });

  it('has no *planned* row left: issue 13 wrote the last ones (attach, detach, isAttached, the statics, PKCE)', () => {
    expect(rows.filter(isPlanned).map((r) => r.official)).toEqual([]);
    for (const path of [['attach'], ['detach'], ['isAttached'], ['setEnv'], ['RocketRideClient', 'getServerInfo'], ['RocketRideClient', 'normalizeUri']]) {
      expect(coreHas(path), path.join('.')).toBe(true);
    }
  });

  it('has a row for every public method of the official TypeScript SDK (first column)', () => {
    const firstColumn = rows.map((r) => r.official).join('\n');
    const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const absent = OFFICIAL.filter((name) => !new RegExp(`(?<![\\w$.])${literal(name)}(?![\\w$])`).test(firstColumn));
    expect(absent).toEqual([]);
  });

  it('takes the official argument shapes (issue 13), still checking them before anything is sent', async () => {
    await expect(client.deploy.add({ components: [], project_id: 'p1' }, { schedule: 'nope' })).rejects.toMatchObject({ code: 'ERR_INVALID_SCHEDULE' });
    await expect(client.deploy.add({ components: [], project_id: 'p1' }, { schedule: '@daily' })).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
    await expect(client.account.setEnv('user', {})).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
    await expect(client.account.getEnv('nope' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(client.connect({ code: 'c', verifier: '', redirectUri: 'r' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(client.isConnected()).toBe(false);
  });

  it('can tell a missing method from a present one (the checks above are not vacuous)', () => {
    expect(calls('`deploy.add(pipeline)`, `{ signal }`, `fsNope(path)`')).toEqual([['deploy', 'add'], ['fsNope']]);
    expect(coreHas(['deploy', 'add'])).toBe(true);
    expect(coreHas(['fsNope'])).toBe(false);
    expect(coreHas(['RocketRideClient', 'getServerInfo'])).toBe(true);
    expect(coreHas(['RocketRideClient', 'nope'])).toBe(false);
    expect(streamsHas(['rocketride', 'store', 'createReadStream'])).toBe(true);
    expect(streamsHas(['dashboard$'])).toBe(true);
    expect(streamsHas(['rocketride', 'store', 'nope'])).toBe(false);
  });
});
