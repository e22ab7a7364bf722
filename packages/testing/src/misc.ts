import { ENGINE_VERSION, SERVICES, SERVICES_VERSION } from './catalog.js';
import type { Handler } from './context.js';
import { serverFailure } from './failure.js';

export const onPing: Handler = async () => ({ pong: true });

/** `rrext_services`: the catalog, or one definition. */
export const onServices: Handler = async ({ args }) => servicesBody(args.service);

export function servicesBody(name: unknown): Record<string, unknown> {
  if (typeof name === 'string' && name !== '') {
    const def = SERVICES[name];
    if (!def) throw serverFailure(`Service '${name}' not found. Please check the service name and try again.`, 'cmd_misc.py', 77);
    return { ...def };
  }
  return { services: { ...SERVICES }, version: SERVICES_VERSION };
}

/** `rrext_public_probe`: allowed without auth. */
export const onPublicProbe: Handler = async () => ({
  version: { ...ENGINE_VERSION },
  capabilities: ['oss'],
  platform: process.platform,
  apps: [],
});

/** `rrext_public_catalog`: the (empty) app catalog, paged. */
export const onPublicCatalog: Handler = async ({ args }) => {
  const offset = typeof args.offset === 'number' && args.offset >= 0 ? Math.floor(args.offset) : 0;
  const limit = typeof args.limit === 'number' ? Math.min(100, Math.max(1, Math.floor(args.limit))) : 25;
  return { apps: [], total: 0, offset, limit };
};
