import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./sim-process.mjs', import.meta.url));

export interface PipeSnapshot {
  token: string;
  name: string;
  state: 'open' | 'closed' | 'failed' | 'abandoned';
  bytes: number;
  sha256?: string;
}

export interface Snapshot {
  pipes: PipeSnapshot[];
  tasks: Array<{ token: string; threads: number; openPipes: number; waitingOpens: number }>;
  /** token → the most open pipes / withheld opens sampled at once (every 5 ms). */
  peak: Record<string, { open: number; waiting: number }>;
}

/** A simulator process (see sim-process.mjs) on 127.0.0.1. */
export interface Sim {
  readonly uri: string;
  readonly port: number;
  readonly child: ChildProcess;
  snapshot(): Promise<Snapshot>;
  /** Snapshot, then SIGKILL from inside the same synchronous step; resolves once the process is gone. */
  die(): Promise<Snapshot>;
  /** Closes the engine and waits for the process to exit. */
  stop(): Promise<void>;
}

let ids = 0;

/** Starts a simulator process; `port` 0 (default) lets the system choose a free one. */
export function startSim(options: { port?: number; apiKey?: string } = {}): Promise<Sim> {
  const child = fork(SCRIPT, [String(options.port ?? 0), options.apiKey ?? ''], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return new Promise<Sim>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the simulator process exited (${code}) before listening`));
    child.once('exit', onExit);
    child.once('message', (message: { type: string; uri: string; port: number }) => {
      child.off('exit', onExit);
      const sim: Sim = {
        uri: message.uri,
        port: message.port,
        child,
        snapshot: () =>
          new Promise<Snapshot>((done, fail) => {
            const id = ++ids;
            const onMessage = (m: { type: string; id: number; snapshot: Snapshot }) => {
              if (m.type !== 'snapshot' || m.id !== id) return;
              child.off('message', onMessage);
              done(m.snapshot);
            };
            child.on('message', onMessage);
            if (!child.connected) fail(new Error('the simulator process is gone'));
            else child.send({ type: 'snapshot', id });
          }),
        die: async () => {
          const dir = mkdtempSync(join(tmpdir(), 'pool-sim-'));
          const file = join(dir, 'snapshot.json');
          child.send({ type: 'die', file });
          await exited;
          try {
            if (child.signalCode !== 'SIGKILL') throw new Error(`the simulator process ended with ${child.signalCode ?? child.exitCode}, not SIGKILL`);
            return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
        stop: async () => {
          if (child.connected) child.send({ type: 'stop' });
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        },
      };
      resolve(sim);
    });
  });
}

/** Three (or `n`) simulator processes. */
export function startSims(n: number, options: { apiKey?: string } = {}): Promise<Sim[]> {
  return Promise.all(Array.from({ length: n }, () => startSim(options)));
}
