import { ValidationError } from '../errors/validation-error.js';

/**
 * What a monitor subscription is keyed on (PROTOCOL.md §5.8): a task token (`'*'` for every task
 * the caller may see), or a project and source, optionally narrowed to one pipe.
 */
export type MonitorKey = { token: string } | { projectId: string; source: string; pipeId?: number };

interface MonitorEntry {
  args: Record<string, unknown>;
  counts: Map<string, number>;
}

function keyArgs(key: MonitorKey): { id: string; args: Record<string, unknown> } {
  if (typeof key !== 'object' || key === null) {
    throw new ValidationError('A monitor key must be { token } or { projectId, source }', { code: 'ERR_INVALID_ARGUMENT' });
  }
  if ('token' in key) {
    if (typeof key.token !== 'string' || key.token === '') {
      throw new ValidationError('Monitor key token must be a non-empty string', { code: 'ERR_INVALID_ARGUMENT' });
    }
    return { id: `t:${key.token}`, args: { token: key.token } };
  }
  if (typeof key.projectId !== 'string' || key.projectId === '' || typeof key.source !== 'string' || key.source === '') {
    throw new ValidationError('Monitor key needs a non-empty projectId and source', { code: 'ERR_INVALID_ARGUMENT' });
  }
  const args: Record<string, unknown> = { projectId: key.projectId, source: key.source };
  let id = `p:${key.projectId}\u0000${key.source}`;
  if (key.pipeId !== undefined) {
    if (!Number.isInteger(key.pipeId) || key.pipeId < 0) {
      throw new ValidationError('Monitor key pipeId must be a non-negative integer', { code: 'ERR_INVALID_ARGUMENT' });
    }
    args.pipeId = key.pipeId;
    id += `\u0000${key.pipeId}`;
  }
  return { id, args };
}

function normaliseTypes(types: readonly string[]): string[] {
  if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t === '')) {
    throw new ValidationError('Monitor types must be an array of names such as "SUMMARY"', { code: 'ERR_INVALID_ARGUMENT' });
  }
  return [...new Set(types.map((t) => t.toUpperCase()))];
}

/** The `rrext_monitor` arguments to send after a change: the key plus the union of its types. */
export interface MonitorUpdate {
  args: Record<string, unknown>;
}

/**
 * Reference-counted monitor subscriptions. Each (key, type) pair counts its subscribers; the engine
 * is told the union of types per key whenever that union changes, and the whole registry is replayed
 * after every successful (re)authentication.
 */
export class MonitorRegistry {
  private readonly entries = new Map<string, MonitorEntry>();

  /** Adds one subscriber per type. Returns the update to send, or undefined when the union is unchanged. */
  add(key: MonitorKey, types: readonly string[]): MonitorUpdate | undefined {
    const { id, args } = keyArgs(key);
    const names = normaliseTypes(types);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { args, counts: new Map() };
      this.entries.set(id, entry);
    }
    let changed = false;
    for (const t of names) {
      const n = entry.counts.get(t) ?? 0;
      if (n === 0) changed = true;
      entry.counts.set(t, n + 1);
    }
    return changed ? { args: { ...entry.args, types: [...entry.counts.keys()] } } : undefined;
  }

  /** Removes one subscriber per type. Returns the update to send, or undefined when the union is unchanged. */
  remove(key: MonitorKey, types: readonly string[]): MonitorUpdate | undefined {
    const { id } = keyArgs(key);
    const names = normaliseTypes(types);
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    let changed = false;
    for (const t of names) {
      const n = entry.counts.get(t);
      if (n === undefined) continue;
      if (n <= 1) {
        entry.counts.delete(t);
        changed = true;
      } else {
        entry.counts.set(t, n - 1);
      }
    }
    if (!changed) return undefined;
    const union = [...entry.counts.keys()];
    if (union.length === 0) this.entries.delete(id);
    return { args: { ...entry.args, types: union } };
  }

  /** One update per key, to replay after a (re)connect. */
  replay(): MonitorUpdate[] {
    return [...this.entries.values()].map((e) => ({ args: { ...e.args, types: [...e.counts.keys()] } }));
  }

  /** The current subscriptions, for diagnostics and tests. */
  snapshot(): Array<{ key: Record<string, unknown>; types: Record<string, number> }> {
    return [...this.entries.values()].map((e) => ({ key: { ...e.args }, types: Object.fromEntries(e.counts) }));
  }
}
