import { ConnectionError } from '@rocketride-streams/core';
import type { Engine, EngineOptions } from '@rocketride-streams/testing';

/** The simulator's package: an optional peer dependency, loaded only when it is used. */
export const SIMULATOR_PACKAGE = '@rocketride-streams/testing';

/** The code of the warning `connect({ embedded: true })` emits when it starts the simulator. */
export const EMBEDDED_WARNING_CODE = 'ROCKETRIDE_EMBEDDED_SIMULATOR';

type SimulatorModule = typeof import('@rocketride-streams/testing');

function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/**
 * Loads the simulator package on first use, so that importing `rocketride-streams` never loads it.
 * @throws ConnectionError `ERR_SIMULATOR_NOT_INSTALLED` when the package is not installed.
 * @internal `specifier` exists for tests.
 */
export async function loadSimulator(specifier: string = SIMULATOR_PACKAGE): Promise<SimulatorModule> {
  try {
    // A specifier in a variable: bundlers leave the optional peer alone instead of failing to resolve it.
    return (await import(specifier)) as SimulatorModule;
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
    throw new ConnectionError(
      `The engine simulator is not installed: add ${SIMULATOR_PACKAGE} (it is an optional peer dependency, e.g. \`npm install --save-dev ${SIMULATOR_PACKAGE}\`), or configure a real engine with ROCKETRIDE_URI or options.uri`,
      { code: 'ERR_SIMULATOR_NOT_INSTALLED', cause: error },
    );
  }
}

/**
 * Starts the engine simulator (`@rocketride-streams/testing`, loaded on first use) on 127.0.0.1.
 * For demos and tests; it is not a RocketRide engine.
 * @throws ConnectionError `ERR_SIMULATOR_NOT_INSTALLED` when the package is not installed.
 */
export async function startEngine(options?: EngineOptions): Promise<Engine> {
  const simulator = await loadSimulator();
  return simulator.startEngine(options);
}

let warned = false;

/**
 * Says, once per process, that `embedded: true` fell back to the simulator: in production that
 * would mean simulated results without anyone noticing.
 */
export function warnEmbedded(uri: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `connect({ embedded: true }) found no engine configured and started the RocketRide engine simulator at ${uri}: its results are simulated, not computed by a real engine. To use a real engine, set ROCKETRIDE_URI (and ROCKETRIDE_APIKEY) in the environment or ./.env, or pass { uri, auth }.`,
    { type: 'Warning', code: EMBEDDED_WARNING_CODE },
  );
}
