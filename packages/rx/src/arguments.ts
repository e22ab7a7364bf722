import { describeValue, MAX_TIMER_MS, readArgument, ValidationError } from '@rocketride-streams/core';

function invalid(message: string): ValidationError {
  return new ValidationError(message, { code: 'ERR_INVALID_OPTION' });
}

/**
 * Checks the options object every Observable factory takes, before anything is subscribed or sent:
 * an object (or undefined), `onError` a function, `graceMs` a non-negative finite number, `taskId` a
 * non-empty string. @throws ValidationError `ERR_INVALID_OPTION`.
 */
export function checkStreamOptions(options: unknown, factory: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(`${factory}: options must be an object`);
  const { onError, graceMs, taskId } = readArgument(`${factory}: options`, () => {
    const o = options as Record<string, unknown>;
    return { onError: o.onError, graceMs: o.graceMs, taskId: o.taskId };
  });
  if (onError !== undefined && typeof onError !== 'function') throw invalid(`${factory}: onError must be a function`);
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0)) {
    throw invalid(`${factory}: graceMs must be a non-negative number`);
  }
  // Above MAX_TIMER_MS a timer fires after 1 ms: a huge grace would end the stream at once.
  if (graceMs !== undefined && graceMs > MAX_TIMER_MS) {
    throw invalid(`${factory}: graceMs must be at most ${MAX_TIMER_MS} ms (got ${graceMs})`);
  }
  if (taskId !== undefined && (typeof taskId !== 'string' || taskId === '')) throw invalid(`${factory}: taskId must be a non-empty string`);
}

/**
 * Checks the client argument of a factory: an object with the methods the factory calls (a careless
 * `connection$(undefined)` threw a TypeError from a WeakMap). @throws ValidationError `ERR_INVALID_ARGUMENT`.
 */
export function checkClient(client: unknown, factory: string, methods: readonly string[] = ['on', 'off', 'getConnectionInfo']): void {
  const ok =
    typeof client === 'object' &&
    client !== null &&
    readArgument(`${factory}: client`, () => methods.every((m) => typeof (client as Record<string, unknown>)[m] === 'function'));
  if (!ok) throw new ValidationError(`${factory}: client must be a RocketRideClient (got ${describeValue(client)})`, { code: 'ERR_INVALID_ARGUMENT' });
}

/** Checks a task token argument. @throws ValidationError `ERR_INVALID_ARGUMENT`. */
export function checkToken(token: unknown, factory: string): void {
  if (typeof token !== 'string' || token === '') {
    throw new ValidationError(`${factory}: token must be a non-empty string`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}
