import { afterEach, beforeEach, expect } from 'vitest';

/**
 * Registers process listeners for the tests of a file and fails a test after which an uncaught
 * exception, an unhandled rejection or an `ERR_LISTENER` warning (a listener error nobody took) was
 * seen. Vitest fails on the first two as well; these listeners make the invariant explicit and
 * name the culprit in the test that caused it.
 */
export function guardProcess() {
  const seen = { uncaught: [] as unknown[], rejections: [] as unknown[], listenerWarnings: [] as Error[] };
  const onUncaught = (error: unknown) => seen.uncaught.push(error);
  const onRejection = (reason: unknown) => seen.rejections.push(reason);
  const onWarning = (warning: Error) => {
    if ((warning as { code?: unknown }).code === 'ERR_LISTENER') seen.listenerWarnings.push(warning);
  };
  beforeEach(() => {
    seen.uncaught.length = 0;
    seen.rejections.length = 0;
    seen.listenerWarnings.length = 0;
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onRejection);
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    // Unhandled rejections and warnings are reported a tick or two later.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
    process.off('warning', onWarning);
    expect(seen.uncaught, 'uncaught exceptions').toEqual([]);
    expect(seen.rejections, 'unhandled rejections').toEqual([]);
    expect(seen.listenerWarnings, 'listener errors issued as warnings').toEqual([]);
  });
  return seen;
}
