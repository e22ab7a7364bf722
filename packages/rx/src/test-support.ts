/**
 * Test helpers (not exported from the package): per-test engines and clients, closed after each test,
 * the example pipelines, and counters of everything a stream may leave behind.
 */
import type { ClientEventName, RocketRideClient } from '@rocketride-streams/core';
import { CHAT_PIPELINE, ECHO_PIPELINE, type Engine, testResources } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import { registryFor } from './registry.js';

export { CHAT_PIPELINE, ECHO_PIPELINE };

/** The echo pipeline under another project id, so its task has its own server key. */
export const echoInProject = (projectId: string) => ({ ...ECHO_PIPELINE, project_id: projectId });

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (no wall-clock assertion: only a generous cap to fail the test). */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const NAMES: ClientEventName[] = ['connected', 'disconnected', 'reconnecting', 'connectError', 'event', 'protocolError'];

/** Listener counts of every client event, plus the number of live shared streams. */
export function footprint(client: RocketRideClient): Record<ClientEventName | 'shared', number> {
  const out = { shared: registryFor(client).size } as Record<ClientEventName | 'shared', number>;
  for (const n of NAMES) out[n] = client.listenerCount(n);
  return out;
}

/** `rrext_monitor` requests the engine received, as `{ connectionId, args }`. */
export function monitorRequests(engine: Engine) {
  return engine
    .requests()
    .filter((r) => r.command === 'rrext_monitor')
    .map((r) => ({ connectionId: r.connectionId, args: r.arguments }));
}

/** Per-test engines and clients (API key `K`), all closed after each test. */
export function useEngines() {
  const resources = testResources('K');
  afterEach(() => resources.closeAll());
  return resources;
}
