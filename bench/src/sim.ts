/**
 * Starts the engine simulator in a separate process (its `rocketride-sim` bin), so the benchmark's
 * own process measures only the client side. Shared by every script in bench/.
 */
import { startEngineProcess } from '@rocketride-streams/testing';

export interface SimProcess {
  /** `ws://127.0.0.1:PORT/task/service` */
  uri: string;
  port: number;
  apiKey: string;
  stop(): Promise<void>;
}

export interface SimOptions {
  apiKey?: string;
  profile?: 'intended' | 'head';
}

export async function startSim(options: SimOptions = {}): Promise<SimProcess> {
  const apiKey = options.apiKey ?? 'bench-key';
  const sim = await startEngineProcess({ apiKey, profile: options.profile ?? 'intended' });
  return { uri: sim.uri, port: sim.port, apiKey, stop: () => sim.stop() };
}

/** One line describing the machine, for RESULTS.md. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `${os.availableParallelism()} CPUs (nproc), ${cpus[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${os.platform()} ${os.release()}`;
}
