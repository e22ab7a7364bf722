import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineCore } from '../core.js';
import type { EngineOptions, SchedulerOptions } from '../types.js';
import { storeDirOf } from '../store/store.js';
import { ProfileSessions } from './cprofile-state.js';

/** Per-engine state of the server tools (deployments, profiling, scheduler). */
export interface ToolState {
  /** Root of the per-user record tree (`<root>/users/<userId>/deployments/…`). */
  readonly storeRoot: string;
  /** The clock of records and the scheduler: epoch milliseconds. */
  now(): number;
  readonly profiles: ProfileSessions;
  /** Stops the scheduler and removes a temporary store root. */
  dispose(): void;
  /** Set by the scheduler when it runs. */
  scheduler?: { stop(): void; wake(): void };
}

const STATES = new WeakMap<EngineCore, ToolState>();

/**
 * Where the simulator keeps per-user records (deployments): the engine's file store root (`storeDir`, or its
 * temporary directory), as upstream keeps them in the user's store; a temporary directory of its own only for an
 * engine core without a store (unit tests of the tools alone).
 */
function storeRootFor(core: EngineCore): { root: string; temporary: boolean } {
  const dir = storeDirOf(core);
  if (dir !== undefined) return { root: dir, temporary: false };
  return { root: mkdtempSync(join(tmpdir(), 'rocketride-sim-store-')), temporary: true };
}

/** The scheduler option, normalised: undefined when off (always off under `head`). */
export function schedulerOptions(options: EngineOptions): SchedulerOptions | undefined {
  if ((options.profile ?? 'intended') === 'head') return undefined;
  const s = options.scheduler;
  if (s === undefined || s === false) return undefined;
  return s === true ? {} : s;
}

/** Creates the tool state of an engine (called once by `startEngine`). */
export function attachTools(core: EngineCore, options: EngineOptions): ToolState {
  // Created on first use, so an engine that never stores a record leaves nothing behind.
  let store: { root: string; temporary: boolean } | undefined;
  const clock = schedulerOptions(options)?.now;
  const state: ToolState = {
    get storeRoot() {
      store ??= storeRootFor(core);
      return store.root;
    },
    now: clock ?? (() => performance.timeOrigin + performance.now()),
    profiles: new ProfileSessions(),
    dispose() {
      state.scheduler?.stop();
      if (store?.temporary) rmSync(store.root, { recursive: true, force: true });
    },
  };
  STATES.set(core, state);
  return state;
}

/** The tool state of an engine. */
export function toolsOf(core: EngineCore): ToolState {
  const state = STATES.get(core);
  if (!state) throw new Error('engine tools not attached');
  return state;
}
