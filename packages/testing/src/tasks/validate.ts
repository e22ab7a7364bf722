import { SERVICES, SERVICES_VERSION } from '../catalog.js';
import { isObject } from '../util.js';

/** One entry of `errors`/`warnings` in a validation result. */
export interface ValidationIssue {
  message: string;
  id?: string;
}

/** What the engine's validator leaves: the pipeline as it resolved it, and the first structural error if any. */
export interface EngineValidation {
  pipeline: Record<string, unknown>;
  error?: ValidationIssue;
}

/** True when the simulator's catalog has a service definition for the provider. */
export const knownProvider = (provider: unknown): boolean => typeof provider === 'string' && Object.hasOwn(SERVICES, provider);

const text = (v: unknown): v is string => typeof v === 'string' && v !== '';

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function checkSecure(section: Record<string, unknown>): string | undefined {
  if (!('secureParameters' in section)) return undefined;
  const secure = section.secureParameters;
  if (!isObject(secure)) return "'secureParameters' must be an object";
  if (!Array.isArray(secure.secure)) return "'secureParameters' must have a 'secure' array";
  if (typeof secure.token !== 'string') return "'secureParameters' must have a 'token' string";
  return undefined;
}

/** The per-component rules: an object with a non-empty string id and provider, an object config, a valid profile. */
function checkComponent(component: unknown): asserts component is Record<string, unknown> & { id: string; provider: string } {
  if (!isObject(component)) fail('Component must be an object');
  const id = component.id;
  if (!text(id)) fail("Component 'id' must be a non-empty string");
  if (!text(component.provider)) fail(`Component ${id} 'provider' must be a non-empty string`);
  const config = component.config;
  if (!isObject(config)) fail(`Component ${id} missing 'config' object`);
  if ('profile' in config) {
    const profile = config.profile;
    if (!text(profile)) fail(`Component ${id} config 'profile' must be a non-empty string`);
    if (profile in config) {
      const section = config[profile];
      if (!isObject(section)) fail(`Component ${id} config missing profile object '${profile}'`);
      const bad = checkSecure(section);
      if (bad) fail(`Component ${id} config profile '${profile}': ${bad}`);
    }
  }
  if ('parameters' in config) {
    const params = config.parameters;
    if (!isObject(params)) fail(`Component ${id} config 'parameters' must be an object`);
    const bad = checkSecure(params);
    if (bad) fail(`Component ${id} config 'parameters': ${bad}`);
  }
}

/** `input` (`lane` + `from`) or `control` (`classType` + `from`) entries of one component. */
function checkLinks(id: string, kind: 'input' | 'control', links: unknown, known: ReadonlySet<string>): void {
  if (!Array.isArray(links)) fail(`Component ${id} ${kind} must be an array`);
  const field = kind === 'input' ? 'lane' : 'classType';
  for (const link of links) {
    if (!isObject(link)) fail(`Component ${id} ${kind} entries must be objects`);
    if (!text(link[field])) fail(`Component ${id} ${kind} '${field}' must be a non-empty string`);
    if (!text(link.from)) fail(`Component ${id} ${kind} 'from' must be a non-empty string`);
    if (!known.has(link.from)) fail(`Component ${id} ${kind} references unknown component id: ${link.from}`);
  }
}

/** Component ids reached from the source along `input` edges, plus the components those control (the engine's chain). */
function chainOf(components: Record<string, unknown>[], source: string, known: ReadonlySet<string>): string[] {
  const visited = new Set<string>([source]);
  const queue = [source];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const c of components) {
      const id = c.id as string;
      const fed = Array.isArray(c.input) && c.input.some((i) => isObject(i) && i.from === from);
      const controlled = Array.isArray(c.control) && c.control.some((i) => isObject(i) && i.from === from);
      if ((fed || controlled) && !visited.has(id)) {
        visited.add(id);
        queue.push(id);
      }
    }
  }
  return components.map((c) => c.id as string).filter((id) => known.has(id) && visited.has(id));
}

/**
 * The engine's structural check of a pipeline, as its validator applies it (first error wins): version, components
 * and their id/provider/config/profile, unique ids, the source, `input`/`control` links. A component whose provider
 * the catalog does not know is dropped, as the engine drops a provider without service definition, so a source or a
 * link naming it fails with "references unknown component id". On success the copy gets the engine's additions:
 * `version`, the source's `config.mode`/`config.type` defaults and the `chain` of components fed from the source.
 * Not checked (see the README): lane names, cycles, lanes against service definitions, node-specific config.
 */
export function validateForEngine(input: Record<string, unknown>, sourceRequired: boolean): EngineValidation {
  const pipeline = structuredClone(input);
  try {
    if ('version' in pipeline) {
      const v = pipeline.version;
      if (typeof v !== 'number' || !Number.isInteger(v)) fail("'pipeline.version' must be a number");
      // The engine also refuses versions above its services version, which the simulator does not know: only < 1 here.
      if (v < 1) fail("'pipeline.version' is unsupported");
    }
    if (!Array.isArray(pipeline.components)) fail("'pipeline.components' must be an array");
    const components = pipeline.components as unknown[];
    const known = new Set<string>();
    for (const component of components) {
      checkComponent(component);
      if (!knownProvider(component.provider)) continue;
      if (known.has(component.id)) fail(`Duplicate component ${component.id}`);
      known.add(component.id);
    }
    pipeline.version = SERVICES_VERSION;
    const source = pipeline.source;
    const named = source !== undefined && source !== null && source !== '';
    if (sourceRequired || named) {
      if (!text(source)) fail("'pipeline.source' must be a non-empty string");
      if (!known.has(source)) fail(`'pipeline.source' references unknown component id: ${source}`);
    }
    const comps = components as Record<string, unknown>[];
    for (const c of comps) {
      if ('input' in c) checkLinks(c.id as string, 'input', c.input, known);
      if ('control' in c) checkLinks(c.id as string, 'control', c.control, known);
    }
    if (text(source)) {
      const comp = comps.find((c) => c.id === source)!;
      const config = comp.config as Record<string, unknown>;
      if (!('mode' in config)) config.mode = 'Source';
      if (!('type' in config)) config.type = comp.provider;
      pipeline.chain = chainOf(comps, source, known);
    }
    return { pipeline };
  } catch (err) {
    if (err instanceof Invalid) return { pipeline, error: { message: err.message } };
    throw err;
  }
}
