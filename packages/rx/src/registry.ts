import type { RocketRideClient } from '@rocketride-streams/core';
import type { Observable } from 'rxjs';

/**
 * The shared Observables of one client, by identity string. An entry exists only while its source is
 * subscribed (it is added by the source's subscribe and removed by its teardown), so nothing is
 * retained for streams nobody listens to.
 */
export class SharedRegistry {
  private readonly live = new Map<string, Observable<unknown>>();

  /** The live Observable for `id`, if any. */
  get<T>(id: string): Observable<T> | undefined {
    return this.live.get(id) as Observable<T> | undefined;
  }

  /** Marks `obs` live under `id` (unless another one already is). */
  claim(id: string, obs: Observable<unknown>): void {
    if (!this.live.has(id)) this.live.set(id, obs);
  }

  /** Forgets `obs` under `id` if it is the one registered. */
  release(id: string, obs: Observable<unknown>): void {
    if (this.live.get(id) === obs) this.live.delete(id);
  }

  /** Number of live shared streams (diagnostics and tests). */
  get size(): number {
    return this.live.size;
  }
}

// The only module-level state: one registry per client, dropped with the client.
const registries = new WeakMap<RocketRideClient, SharedRegistry>();

/** The registry of `client`, created on first use. */
export function registryFor(client: RocketRideClient): SharedRegistry {
  let registry = registries.get(client);
  if (registry === undefined) {
    registry = new SharedRegistry();
    registries.set(client, registry);
  }
  return registry;
}

/**
 * Returns the live shared Observable for `id`, or a new one from `build`. `build` receives `claim` and
 * `release`, to be called from the new Observable's source subscribe and teardown.
 */
export function sharedFor<T>(
  client: RocketRideClient,
  id: string,
  build: (lifecycle: { claim(): void; release(): void }) => Observable<T>,
): Observable<T> {
  const registry = registryFor(client);
  const existing = registry.get<T>(id);
  if (existing !== undefined) return existing;
  const obs: Observable<T> = build({
    claim: () => registry.claim(id, obs),
    release: () => registry.release(id, obs),
  });
  return obs;
}
