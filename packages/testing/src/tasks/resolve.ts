import { serverFailure } from '../failure.js';
import { isObject } from '../util.js';

export interface ResolvedSource {
  source: string;
  component: Record<string, unknown> & { id: string };
}

/**
 * Resolves the source component as `execute` does: `arguments.source`, else
 * `pipeline.source`, else the unique component whose `config.mode` is `"Source"`.
 */
export function resolveSource(pipeline: Record<string, unknown>, explicit?: unknown): ResolvedSource {
  const components = Array.isArray(pipeline.components) ? pipeline.components.filter(isObject) : [];
  let source = typeof explicit === 'string' && explicit !== '' ? explicit : undefined;
  if (source === undefined && typeof pipeline.source === 'string' && pipeline.source !== '') source = pipeline.source;
  if (source === undefined) {
    const sources = components.filter((c) => isObject(c.config) && c.config.mode === 'Source');
    if (sources.length === 0) throw serverFailure('Pipeline does not have a source component defined', 'cmd_task.py', 141);
    if (sources.length > 1) {
      throw serverFailure('Pipeline has multiple source components, please specify one explicitly', 'cmd_task.py', 145);
    }
    source = String(sources[0]!.id);
  }
  const component = components.find((c) => c.id === source);
  if (!component) {
    throw serverFailure(`Pipeline source component "${source}" not found in components list`, 'cmd_task.py', 152);
  }
  if (!Array.isArray(pipeline.components)) throw serverFailure('Invalid components in pipeline', 'cmd_task.py', 160);
  if (typeof component.provider !== 'string' || component.provider === '') {
    throw serverFailure(`Source "${source}" not found in pipeline`, 'cmd_task.py', 164);
  }
  return { source, component: component as ResolvedSource['component'] };
}

/**
 * The pipeline as the server stores it (and `rrext_get_pipeline` returns it): a copy with the source written in and
 * `config:{}` added to the source component when missing.
 */
export function storedPipeline(pipeline: Record<string, unknown>, resolved: ResolvedSource): Record<string, unknown> {
  const copy = structuredClone(pipeline);
  copy.source = resolved.source;
  const comps = copy.components as Record<string, unknown>[];
  const comp = comps.find((c) => isObject(c) && c.id === resolved.source)!;
  if (!isObject(comp.config)) comp.config = {};
  return copy;
}

/** A copy of a stored pipeline with the engine's defaults for the source component: `config.mode`, `config.type`. */
export function withEngineDefaults(pipeline: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(pipeline);
  const comps = Array.isArray(copy.components) ? (copy.components as unknown[]) : [];
  const comp = comps.find((c): c is Record<string, unknown> => isObject(c) && c.id === copy.source);
  if (!comp) return copy;
  const config = isObject(comp.config) ? comp.config : {};
  if (config.mode === undefined) config.mode = 'Source';
  if (config.type === undefined) config.type = comp.provider;
  comp.config = config;
  return copy;
}
