import type { Handler } from '../context.js';
import { serverFailure } from '../failure.js';
import { isObject } from '../util.js';
import { attributeError } from './attribute-error.js';
import { mergeEnv, resolvePlaceholders } from './env.js';
import { type ValidationIssue, validateForEngine } from './validate.js';

/** The implied source: the unique component whose `config.mode` is `"Source"`; several are an error, none is none. */
function impliedSource(pipeline: Record<string, unknown>): string | ValidationIssue | undefined {
  const components = Array.isArray(pipeline.components) ? pipeline.components.filter(isObject) : [];
  const sources = components.filter((c) => isObject(c.config) && c.config.mode === 'Source');
  if (sources.length > 1) return { message: 'Pipeline has multiple source components, please specify one explicitly' };
  const id = sources[0]?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * `rrext_validate {pipeline, source?}`: the wrapped `.pipe` form `{pipeline:{…}}` is unwrapped,
 * `${ROCKETRIDE_*}` placeholders are resolved with the server's env (and an `env` argument) merged, the source is
 * the `source` argument, else `pipeline.source`, else the implied one, `version` defaults to 1, and the engine's
 * validator runs. The body is what it returns: `{pipeline, version}` plus `errors`/`warnings` only when non-empty.
 */
export const onValidate: Handler = async ({ core, args }) => {
  const raw: unknown = args.pipeline === undefined ? {} : args.pipeline;
  if (!isObject(raw)) throw serverFailure(attributeError(raw), 'cmd_misc.py', 168);
  const given = isObject(raw.pipeline) ? raw.pipeline : raw;
  const pipeline = resolvePlaceholders(given, mergeEnv(core.serverEnv, args.env));
  const errors: ValidationIssue[] = [];
  let source: unknown = (typeof args.source === 'string' && args.source !== '' ? args.source : undefined) ?? pipeline.source;
  if (source === undefined || source === null || source === '') {
    const implied = impliedSource(pipeline);
    if (typeof implied === 'object') errors.push(implied);
    source = typeof implied === 'string' ? implied : undefined;
  }
  const version = pipeline.version ?? 1;
  const inner: Record<string, unknown> = { ...pipeline, version };
  if (source !== undefined) inner.source = source;
  const result = validateForEngine(inner, false);
  if (result.error) errors.push(result.error);
  return { pipeline: result.pipeline, version, ...(errors.length > 0 ? { errors } : {}) };
};
