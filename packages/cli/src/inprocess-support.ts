import { type Engine, type EngineProfile, startEngine } from '@rocketride-streams/testing';
import { afterEach } from 'vitest';
import { run } from './run.js';

/** What a command printed, and its exit code. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunInOptions {
  /** Credential; default the simulator's key `K`. */
  apikey?: string;
  /** stdout looks like a terminal of this many columns. */
  tty?: number;
  signal?: AbortSignal;
  /** Called with stdout so far after every write. */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
}

/** Runs the CLI in this process against `engine`, with captured output and an empty environment. */
export async function runIn(engine: Engine | undefined, argv: string[], options: RunInOptions = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const target = engine ? ['--uri', engine.uri, '--apikey', options.apikey ?? 'K'] : [];
  const code = await run([...argv, ...target], {
    stdout: {
      write: (t: string) => {
        stdout += t;
        options.onStdout?.(stdout);
      },
      ...(options.tty ? { isTTY: true, columns: options.tty, rows: 40 } : {}),
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
        options.onStderr?.(stderr);
      },
    },
    env: {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** A simulator per test (key `K`, on 127.0.0.1) under `profile`, closed after each test. */
export function useSimulator(profile: EngineProfile): () => Promise<Engine> {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });
  return async () => {
    engine ??= await startEngine({ apiKey: 'K', profile, host: '127.0.0.1' });
    return engine;
  };
}

/** Both simulator profiles, for `describe.each`. */
export const PROFILES: readonly EngineProfile[] = ['intended', 'head'];
