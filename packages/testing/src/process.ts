import { type ChildProcess, spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EngineProcessOptions {
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  apiKey?: string;
  profile?: 'intended' | 'head';
  ackDelayMs?: number;
  writeJitterMs?: number;
  /** Root of the `rrext_store` file store (`--store-dir`). Default: a temporary directory the process removes. */
  storeDir?: string;
  /** Path of the `rocketride-sim` script. Default: the built bin next to this module. */
  bin?: string;
}

export interface EngineProcess {
  /** `ws://HOST:PORT/task/service` */
  readonly uri: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Sends SIGTERM and resolves when the process has exited. */
  stop(): Promise<void>;
}

function defaultBin(): string {
  // Next to the built dist/index.* files; from the sources (tests), the built dist/ one level up.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const dir = dirname(here);
  return basename(dir) === 'src' ? join(dir, '..', 'dist', 'cli.js') : join(dir, 'cli.js');
}

/**
 * Starts the simulator in a separate Node process (its `rocketride-sim` bin, which keeps no payload
 * bytes), for benchmarks and memory tests that must measure only the client's process. Resolves
 * once it printed its listening line.
 */
export function startEngineProcess(options: EngineProcessOptions = {}): Promise<EngineProcess> {
  const args = [options.bin ?? defaultBin(), '--port', String(options.port ?? 0), '--host', options.host ?? '127.0.0.1'];
  if (options.apiKey) args.push('--apikey', options.apiKey);
  if (options.profile) args.push('--profile', options.profile);
  if (options.ackDelayMs) args.push('--ack-delay', String(options.ackDelayMs));
  if (options.writeJitterMs) args.push('--write-jitter', String(options.writeJitterMs));
  if (options.storeDir) args.push('--store-dir', options.storeDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onExit = (code: number | null) => reject(new Error(`rocketride-sim exited with code ${code} before listening`));
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /listening (ws:\/\/\S+)/.exec(seen);
      if (!match) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      const uri = match[1]!;
      resolve({
        uri,
        port: Number(new URL(uri).port),
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}
