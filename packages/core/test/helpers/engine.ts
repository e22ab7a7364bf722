import { testResources } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';

/**
 * Per-test engines and clients, all closed after each test. Usage inside a test file:
 * `const h = useEngines(); … const { engine, client } = await h.connected();`
 */
export function useEngines() {
  const resources = testResources('K');
  afterEach(() => resources.closeAll());
  return resources;
}
