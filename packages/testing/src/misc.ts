import { ENGINE_VERSION, SERVICES, SERVICES_VERSION } from './catalog.js';
import type { Handler } from './context.js';
import { isObject } from './util.js';
import { EngineFailure, serverFailure } from './failure.js';
import { mergeEnv, resolvePlaceholders } from './tasks/env.js';
import { resolveSource } from './tasks/resolve.js';

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

/**
 * `rrext_validate {pipeline, source?}`: resolves `${ROCKETRIDE_*}` placeholders, then the source as `execute` does, and checks component ids (missing,
 * duplicated) and `input[].from` references.
 */
export const onValidate: Handler = async ({ core, args }) => {
  if (!isObject(args.pipeline)) throw serverFailure('Missing pipeline configuration', 'cmd_misc.py', 120);
  // `${ROCKETRIDE_*}` placeholders are resolved first, with the server's env and any `env` argument merged over it.
  const pipeline = resolvePlaceholders(args.pipeline, mergeEnv(core.serverEnv, args.env));
  const errors: { message: string; id?: string }[] = [];
  const warnings: { message: string; id?: string }[] = [];
  let source: string | undefined;
  try {
    source = resolveSource(pipeline, args.source).source;
  } catch (err) {
    errors.push({ message: err instanceof EngineFailure ? err.message : String(err) });
  }
  const components = Array.isArray(pipeline.components) ? pipeline.components : [];
  const ids = new Set<string>();
  for (const c of components) {
    if (!isObject(c) || typeof c.id !== 'string' || c.id === '') {
      errors.push({ message: 'Component without an id' });
      continue;
    }
    if (ids.has(c.id)) errors.push({ message: `Duplicate component id "${c.id}"`, id: c.id });
    ids.add(c.id);
    if (typeof c.provider !== 'string' || c.provider === '') {
      errors.push({ message: `Component "${c.id}" has no provider`, id: c.id });
    } else if (!(c.provider in SERVICES)) {
      warnings.push({ message: `Unknown provider "${c.provider}" for component "${c.id}"`, id: c.id });
    }
  }
  for (const c of components) {
    if (!isObject(c) || !Array.isArray(c.input)) continue;
    for (const input of c.input) {
      const from = isObject(input) ? input.from : undefined;
      if (typeof from !== 'string' || !ids.has(from)) {
        errors.push({ message: `Component "${String(c.id)}" takes input from unknown component "${String(from)}"`, id: String(c.id) });
      }
    }
  }
  return {
    errors,
    warnings,
    ...(source !== undefined ? { source } : {}),
    version: typeof pipeline.version === 'number' ? pipeline.version : 1,
  };
};

/** `rrext_dashboard`: a small overview. */
export const onDashboard: Handler = async ({ core }) => ({
  overview: {
    connections: core.connections.size,
    tasks: core.registry.list().filter((t) => !t.completed).length,
    uptime: Math.floor((Date.now() - core.startTime) / 1000),
  },
  connections: [...core.connections].map((c) => ({
    id: c.id,
    clientName: c.clientName,
    clientVersion: c.clientVersion,
    authenticated: c.authenticated,
    monitors: [...c.monitors.keys()],
  })),
  tasks: core.registry.list().map((t) => ({ id: t.id, name: t.name, state: t.state, status: t.status })),
});
