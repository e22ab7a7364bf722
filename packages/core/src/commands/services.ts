import type { CallOptions } from '../config/options.js';
import { checkCallOptions, describe, readArgument } from '../config/validate.js';
import { RocketRideError } from '../errors/rocketride-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { requireObject, requireString, responseError } from '../config/checks.js';
import type { CommandHost } from './host.js';
import { isRecord } from '../config/shape.js';

/** The body of `rrext_services` without arguments. */
export interface ServicesResult {
  services: Record<string, Record<string, unknown>>;
  version?: unknown;
  [key: string]: unknown;
}

/** Every service definition the engine knows. */
export async function getServices(client: CommandHost, options?: CallOptions): Promise<ServicesResult> {
  checkCallOptions(options, 'getServices()');
  const response = await client.request<ServicesResult>('rrext_services', {}, { signal: options?.signal });
  if (!response.success) throw responseError(RocketRideError, 'ERR_SERVICES', response, 'Listing services failed');
  const body = response.body ?? { services: {} };
  // `services` is always an object, also when the engine's body lacks it or has another shape there.
  return isRecord(body.services) ? body : { ...body, services: {} };
}

/**
 * One service definition.
 * @throws RocketRideError `ERR_SERVICES` when the engine does not know it (as the TS SDK does).
 */
export async function getService(client: CommandHost, name: string, options?: CallOptions): Promise<Record<string, unknown>> {
  requireString(name, 'Service name');
  checkCallOptions(options, 'getService()');
  const response = await client.request('rrext_services', { service: name }, { signal: options?.signal });
  if (!response.success) throw responseError(RocketRideError, 'ERR_SERVICES', response, `Service ${name} not found`);
  return response.body ?? {};
}

/** Options of `validate()`. */
export interface ValidateOptions {
  /** Source component to validate from. Default: the pipeline's. */
  source?: string;
  signal?: AbortSignal;
}

/**
 * Validates a pipeline on the engine; resolves with its report (`errors`, `warnings`, …).
 * @throws ValidationError `ERR_VALIDATE` when the engine refused to validate.
 */
export async function validate(
  client: CommandHost,
  pipeline: Record<string, unknown>,
  options?: ValidateOptions,
): Promise<Record<string, unknown>> {
  requireObject(pipeline, 'pipeline');
  checkCallOptions(options, 'validate()');
  const inner = readArgument('validate(): pipeline', () => (pipeline as { pipeline?: unknown }).pipeline);
  if (inner !== undefined && (typeof inner !== 'object' || inner === null || Array.isArray(inner))) {
    throw new ValidationError(`validate(): pipeline.pipeline must be a JSON object (got ${describe(inner)})`, { code: 'ERR_INVALID_PIPELINE' });
  }
  const wrapped = inner !== undefined;
  const p = wrapped ? inner : pipeline;
  const args: Record<string, unknown> = { pipeline: p };
  // The TS SDK's form, validate({ pipeline, source }): its source counts (an explicit option wins).
  const outerSource = wrapped ? readArgument('validate(): pipeline', () => (pipeline as { source?: unknown }).source) : undefined;
  // Only a missing source falls back (`source: null` is a careless caller's value, refused below).
  const given = readArgument('validate() options', () => options?.source);
  const source = given !== undefined ? given : outerSource;
  if (source !== undefined) {
    if (typeof source !== 'string' || source === '') {
      throw new ValidationError(`validate(): source must be a non-empty string (got ${describe(source)})`, { code: 'ERR_INVALID_ARGUMENT' });
    }
    args.source = source;
  }
  const response = await client.request('rrext_validate', args, { signal: options?.signal });
  if (!response.success) {
    throw responseError(ValidationError, 'ERR_VALIDATE', response, 'Pipeline validation failed', 'Pipeline validation failed: ');
  }
  return response.body ?? {};
}
