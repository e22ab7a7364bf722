/**
 * Starts the engine simulator in a separate process (its `rocketride-sim` bin), so the benchmark's
 * own process measures only the client side. Shared by every script in bench/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

function simBin(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@rocketride-streams/testing/package.json');
  const pkg = require(pkgPath) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin['rocketride-sim']!);
}

export function startSim(options: SimOptions = {}): Promise<SimProcess> {
  const apiKey = options.apiKey ?? 'bench-key';
  const args = [simBin(), '--port', '0', '--host', '127.0.0.1', '--apikey', apiKey, '--profile', options.profile ?? 'intended'];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /listening (ws:\/\/[^\s]+)/.exec(buffered);
      if (match === null) return;
      child.stdout!.off('data', onData);
      const uri = match[1]!;
      const port = Number(new URL(uri).port);
      resolve({
        uri,
        port,
        apiKey,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`rocketride-sim exited early with code ${code}`)));
    child.once('error', reject);
  });
}

/** One line describing the machine, for RESULTS.md. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `${os.availableParallelism()} CPUs (nproc), ${cpus[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${os.platform()} ${os.release()}`;
}
