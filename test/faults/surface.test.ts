import { AccountApi, DatabaseApi, DeployApi, PoolTask, RocketRide, RocketRideClient, RocketRidePool, StoreApi } from 'rocketride-streams';
import { describe, expect, it } from 'vitest';
import { commandEntries } from './support/entries-commands.js';
import { poolEntries } from './support/entries-pool.js';
import { storeEntries } from './support/entries-store.js';

/**
 * Every public method of the client classes the façade exports must be in the careless-caller grid
 * (options.test.ts and options-*.test.ts) or in the commented list below of methods that take no
 * argument worth checking. A method added later without its bad-argument cases fails here.
 */

/** The classes whose prototypes are walked, by the prefix their methods have in the grid. */
const SURFACES: Record<string, { prototype: object }> = {
  client: RocketRide,
  store: StoreApi,
  deploy: DeployApi,
  account: AccountApi,
  database: DatabaseApi,
  pool: RocketRidePool,
  poolTask: PoolTask,
};
/** Static methods, by class name. */
const STATICS: Record<string, object> = { RocketRideClient, RocketRidePool };

/** Covered by options.test.ts (its entries are not keyed by method). */
const IN_OPTIONS_TEST = [
  'client.connect', // 'new RocketRideClient + connect', 'client.connect(credential)', 'façade connect()'
  'client.pipe',
  'client.writable',
  'client.upload',
  'client.uploadFiles',
  'client.send',
  'client.sendFiles',
  'client.chat',
  'RocketRidePool.connect', // the same function as connectPool(), in options-pool.test.ts
];

/**
 * Methods and getters that take no argument a caller could get wrong. A method listed here must declare no
 * parameter (checked below), unless it is in {@link NOT_FOR_CALLERS}.
 */
const NO_ARGUMENT = [
  // Getters: a sub-API (each walked as its own surface) or a value.
  'client.store',
  'client.deploy',
  'client.account',
  'client.database',
  'client.engine',
  'client.env',
  'client.generation',
  'pool.engines',
  'poolTask.internalReplicas',
  'poolTask.router',
  'poolTask.useOptions',
  'poolTask.terminated',
  'poolTask.engines',
  'poolTask.replicas',
  // State and lifecycle without arguments.
  'client.disconnect',
  'client.detach',
  'client.logout',
  'client.isAttached',
  'client.isConnected',
  'client.getConnectionInfo',
  'client.getAccountInfo',
  'client.getOrgId',
  'client.toJSON',
  'client.connection$', // rx connection$(client) is in options-pool.test.ts
  'pool.health',
  'pool.engines$',
  'pool.disconnect',
  'pool.toJSON',
  'poolTask.toJSON',
];

/**
 * Methods that take arguments but are not for callers: TypeScript-private or protected (still on the
 * prototype at run time), or pure helpers that send nothing.
 */
const NOT_FOR_CALLERS = [
  'client.toolHost', // private: the command host of deploy/account/dashboard
  'client.emit', // protected: the client's own events
  'client.reportListenerError', // protected
  'client.buildRequest', // the official SDK's pure helper: builds an object, sends nothing
  'client.didFail', // the official SDK's pure helper: reads a response
  'client.listenerCount', // a count by name; an unknown name counts 0
  'client.hasListeners', // as listenerCount
  'account.send', // private: the one request path of account.*
  'poolTask.markTerminated', // internal: called by pool.terminate()
];

function membersOf(prototype: object): Map<string, PropertyDescriptor> {
  const out = new Map<string, PropertyDescriptor>();
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key === 'constructor' || out.has(key)) continue;
      out.set(key, Object.getOwnPropertyDescriptor(p, key)!);
    }
  }
  return out;
}

function surface(): Map<string, PropertyDescriptor> {
  const all = new Map<string, PropertyDescriptor>();
  for (const [prefix, Class] of Object.entries(SURFACES)) {
    for (const [key, d] of membersOf(Class.prototype)) all.set(`${prefix}.${key}`, d);
  }
  for (const [name, Class] of Object.entries(STATICS)) {
    for (const key of Object.getOwnPropertyNames(Class)) {
      const d = Object.getOwnPropertyDescriptor(Class, key)!;
      if (typeof d.value === 'function' && !['length', 'name', 'prototype'].includes(key)) all.set(`${name}.${key}`, d);
    }
  }
  return all;
}

const never = (): never => {
  throw new Error('the surface test only lists the entries');
};
const GRID = new Set([...Object.keys(storeEntries(never)), ...Object.keys(commandEntries(never)), ...Object.keys(poolEntries(never))]);

describe('fault suite: every public method is in the careless-caller grid', () => {
  const members = surface();

  it('each method of the façade client, the store, deploy, account, database, the pool and its tasks is in the grid or listed as taking no argument', () => {
    const known = new Set([...GRID, ...IN_OPTIONS_TEST, ...NO_ARGUMENT, ...NOT_FOR_CALLERS]);
    const missing = [...members.keys()].filter((name) => !known.has(name));
    expect(missing, 'methods with no bad-argument cases: add them to an options-*.test.ts grid, or to NO_ARGUMENT with a reason').toEqual([]);
  });

  it('a method listed as taking no argument declares no parameter', () => {
    const declaring = NO_ARGUMENT.filter((name) => {
      const d = members.get(name);
      return typeof d?.value === 'function' && (d.value as (...a: unknown[]) => unknown).length > 0;
    });
    expect(declaring).toEqual([]);
  });

  it('every name in the lists is a member that exists (no stale entry)', () => {
    const stale = [...IN_OPTIONS_TEST, ...NO_ARGUMENT, ...NOT_FOR_CALLERS].filter((name) => !members.has(name));
    expect(stale).toEqual([]);
  });

  it('the walk finds the surface (it would pass vacuously on an empty one)', () => {
    expect(members.size).toBeGreaterThan(120);
    for (const name of ['client.fsOpen', 'client.use', 'store.readFile', 'deploy.add', 'account.setEnv', 'database.query', 'pool.use', 'poolTask.upload', 'RocketRideClient.getServerInfo']) {
      expect(members.has(name), name).toBe(true);
    }
  });
});
