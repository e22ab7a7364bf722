import { ValidationError } from '../errors/validation-error.js';
import { TaskScopes } from './task-scopes.js';

/**
 * What a monitor subscription is keyed on: a task token (`'*'` for every task
 * the caller may see), or a project and source, optionally narrowed to one pipe.
 */
export type MonitorKey = { token: string } | { projectId: string; source: string; pipeId?: number };

/**
 * A subscriber key, normalised. `engineKey` is the key the engine stores it under, known up front for
 * `*` and project keys; a task token only gets one once it is bound to its project/source.
 */
interface Target {
  id: string;
  token?: string;
  engineKey?: string;
  /** The `rrext_monitor` scope arguments that address this key on its own. */
  address: Record<string, unknown>;
}

interface Subscriber {
  target: Target;
  counts: Map<string, number>;
}

/** The engine key of a project/source (optionally one pipe) scope: `p.<project>.<source>[.<pipeId>]` on the engine. */
export function projectEngineKey(projectId: string, source: string, pipeId?: number): string {
  return pipeId === undefined ? `p\u0000${projectId}\u0000${source}` : `p\u0000${projectId}\u0000${source}\u0000${pipeId}`;
}

/** The key used for a token whose project/source could not be learned: the token addresses it on its own. */
export function opaqueEngineKey(token: string): string {
  return `t\u0000${token}`;
}

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_ARGUMENT' });
}

function parseKey(key: MonitorKey): Target {
  if (typeof key !== 'object' || key === null) throw invalid('A monitor key must be { token } or { projectId, source }');
  if ('token' in key) {
    if (typeof key.token !== 'string' || key.token === '') throw invalid('Monitor key token must be a non-empty string');
    const address = { token: key.token };
    if (key.token === '*') return { id: 't:*', engineKey: '*', address };
    return { id: `t:${key.token}`, token: key.token, address };
  }
  if (typeof key.projectId !== 'string' || key.projectId === '' || typeof key.source !== 'string' || key.source === '') {
    throw invalid('Monitor key needs a non-empty projectId and source');
  }
  const address: Record<string, unknown> = { projectId: key.projectId, source: key.source };
  if (key.pipeId !== undefined) {
    if (!Number.isInteger(key.pipeId) || key.pipeId < 0) throw invalid('Monitor key pipeId must be a non-negative integer');
    address.pipeId = key.pipeId;
  }
  const engineKey = projectEngineKey(key.projectId, key.source, key.pipeId);
  return { id: `p:${engineKey}`, engineKey, address };
}

function normaliseTypes(types: readonly string[]): string[] {
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === '')) {
    throw invalid('Monitor types must be an array of names such as "SUMMARY"');
  }
  return [...new Set(types.map((t) => t.toUpperCase()))];
}

/** What `add` registered, to undo it with `undo` when the engine refuses it. */
export interface Registration {
  readonly key: MonitorKey;
  readonly types: readonly string[];
  /** The task token when the key is a task token (not `*`), which may need resolving to its project/source. */
  readonly token: string | undefined;
}

/**
 * Reference-counted monitor subscriptions (no I/O). Each (subscriber key, type) pair counts its
 * subscribers. Subscriber keys are grouped by the key the ENGINE stores them under: a task token is
 * bound to its task's project/source key, so `{ token }` and `{ projectId, source }` for the same task
 * share one engine key, whose union of types is what must be sent (PROTOCOL.md §5.8). `*` and
 * pipe-scoped keys are engine keys of their own.
 */
export class MonitorRegistry {
  private readonly subs = new Map<string, Subscriber>();
  /** token → engine key, for tokens with live subscribers once resolved (stable while they live). */
  private readonly bound = new Map<string, string>();
  /** The client's token → project/source cache (learned from use()/getTaskStatus results, or looked up). */
  readonly scopes: TaskScopes;

  constructor(scopes: TaskScopes = new TaskScopes()) {
    this.scopes = scopes;
    scopes.onLearn((token, scope) => {
      const key = projectEngineKey(scope.projectId, scope.source);
      // A token with live subscribers that were never sent can be bound now (nothing to move on the engine).
      if (this.subs.has(`t:${token}`) && !this.bound.has(token)) this.bound.set(token, key);
    });
  }

  /** Records that `token` is the task of `projectId`/`source` (from a `use()` or status result). */
  learn(token: string, projectId: unknown, source: unknown): void {
    this.scopes.learn(token, projectId, source);
  }

  /** Binds a token with live subscribers to an engine key (no-op when already bound or not subscribed). */
  bind(token: string, engineKey: string): void {
    if (this.subs.has(`t:${token}`) && !this.bound.has(token)) this.bound.set(token, engineKey);
  }

  /** The engine key of a subscriber key, or undefined for a token not bound yet. */
  engineKeyOf(key: MonitorKey): string | undefined {
    const target = parseKey(key);
    return this.targetKey(target);
  }

  /** Adds one subscriber per type. Throws ValidationError for a malformed key or types. */
  add(key: MonitorKey, types: readonly string[]): Registration {
    const target = parseKey(key);
    const names = normaliseTypes(types);
    let sub = this.subs.get(target.id);
    if (sub === undefined) {
      sub = { target, counts: new Map() };
      this.subs.set(target.id, sub);
      if (target.token !== undefined) {
        const learned = this.scopes.get(target.token);
        if (learned !== undefined) this.bind(target.token, projectEngineKey(learned.projectId, learned.source));
      }
    }
    for (const t of names) sub.counts.set(t, (sub.counts.get(t) ?? 0) + 1);
    return { key, types: names, token: target.token };
  }

  /**
   * Removes one subscriber per type. Returns the engine key whose union may have changed, or
   * undefined when nothing was registered or the key was never bound (so never sent).
   */
  remove(key: MonitorKey, types: readonly string[]): string | undefined {
    const target = parseKey(key);
    const names = normaliseTypes(types);
    const sub = this.subs.get(target.id);
    if (sub === undefined) return undefined;
    const engineKey = this.targetKey(target);
    for (const t of names) {
      const n = sub.counts.get(t);
      if (n === undefined) continue;
      if (n <= 1) sub.counts.delete(t);
      else sub.counts.set(t, n - 1);
    }
    if (sub.counts.size === 0) {
      this.subs.delete(target.id);
      if (target.token !== undefined) this.bound.delete(target.token);
    }
    return engineKey;
  }

  /** Undoes a registration made by `add`; returns the engine key to re-sync, as `remove` does. */
  undo(registration: Registration): string | undefined {
    return this.remove(registration.key, registration.types);
  }

  /** The union of every subscriber's types stored under `engineKey`, in first-subscribed order. */
  union(engineKey: string): string[] {
    const out = new Set<string>();
    for (const sub of this.subs.values()) {
      if (this.targetKey(sub.target) !== engineKey) continue;
      for (const t of sub.counts.keys()) out.add(t);
    }
    return [...out];
  }

  /**
   * The scope arguments to send for `engineKey`: a project/source subscriber's own (accepted even when
   * the task is not running), else a bound token's, or undefined when nobody subscribes to it.
   */
  address(engineKey: string): Record<string, unknown> | undefined {
    let fallback: Record<string, unknown> | undefined;
    for (const sub of this.subs.values()) {
      if (this.targetKey(sub.target) !== engineKey) continue;
      if (sub.target.token === undefined) return { ...sub.target.address };
      fallback ??= { ...sub.target.address };
    }
    return fallback;
  }

  /** Every engine key with at least one bound subscriber. */
  engineKeys(): string[] {
    const keys = new Set<string>();
    for (const sub of this.subs.values()) {
      const key = this.targetKey(sub.target);
      if (key !== undefined) keys.add(key);
    }
    return [...keys];
  }

  /** Tokens with subscribers that are not bound to an engine key yet. */
  unboundTokens(): string[] {
    const out: string[] = [];
    for (const sub of this.subs.values()) {
      const token = sub.target.token;
      if (token !== undefined && !this.bound.has(token)) out.push(token);
    }
    return out;
  }

  /** The current subscriptions, for diagnostics and tests. */
  snapshot(): Array<{ key: Record<string, unknown>; engineKey: string | undefined; types: Record<string, number> }> {
    return [...this.subs.values()].map((s) => ({
      key: { ...s.target.address },
      engineKey: this.targetKey(s.target),
      types: Object.fromEntries(s.counts),
    }));
  }

  private targetKey(target: Target): string | undefined {
    return target.engineKey ?? (target.token === undefined ? undefined : this.bound.get(target.token));
  }
}
