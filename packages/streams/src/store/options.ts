import { describeValue, readArgument, ValidationError } from '@rocketride-streams/core';

/**
 * The options argument of a store method or stream: `undefined` is `{}`; anything but an object is refused; an object
 * is copied once, so a getter or Proxy trap that throws is refused as a coded ValidationError instead of escaping.
 */
export function storeOptions<T extends object>(options: unknown, what = 'options'): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValidationError(`${what} must be an object (got ${describeValue(options)})`, { code: 'ERR_INVALID_ARGUMENT' });
  }
  return readArgument(what, () => ({ ...options })) as T;
}
