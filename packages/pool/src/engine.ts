import { type ClientOptions, type RocketRideClient, RocketRideError } from '@rocketride-streams/core';

/** One engine's health, as `pool.engines$()` reports it. */
export interface EngineHealth {
  /** The engine's name (its normalised URI unless named). */
  name: string;
  /** The normalised WebSocket URI. */
  uri: string;
  /** Connected and authenticated. */
  connected: boolean;
  /** The client's connection state. */
  state: 'idle' | 'connecting' | 'open' | 'attached' | 'reconnecting';
  /** Pipes of the pool's tasks open (or opening) on this engine. */
  openPipes: number;
  /** The last connection or task failure on this engine (code and message), cleared by the next connect. */
  lastError?: { code: string; message: string };
}

/** The failure recorded as an engine's `lastError`: code and message only (errors never carry a credential). */
export function errorSummary(error: unknown): { code: string; message: string } {
  if (error instanceof RocketRideError) return { code: error.code, message: error.message };
  return { code: 'ERR_ROCKETRIDE', message: error instanceof Error ? error.message : String(error) };
}

/** One engine of the pool: its client (persist mode) and what the pool tracks about it. */
export class PoolEngine {
  readonly index: number;
  readonly client: RocketRideClient;
  /** Pipes of every task open on this engine (the sum over its replicas). */
  openPipes = 0;
  lastError: { code: string; message: string } | undefined;
  #name: string;

  constructor(index: number, name: string | undefined, options: ClientOptions, make: (options: ClientOptions) => RocketRideClient) {
    this.index = index;
    this.client = make(options);
    this.#name = name ?? this.client.getConnectionInfo().uri;
  }

  get name(): string {
    return this.#name;
  }

  get uri(): string {
    return this.client.getConnectionInfo().uri;
  }

  get connected(): boolean {
    return this.client.isConnected();
  }

  health(): EngineHealth {
    const info = this.client.getConnectionInfo();
    const h: EngineHealth = { name: this.#name, uri: info.uri, connected: info.connected, state: info.state, openPipes: this.openPipes };
    if (this.lastError !== undefined) h.lastError = { ...this.lastError };
    return h;
  }
}

/**
 * A PoolTask's pipeline on one engine: the token that engine issued (never sent to another engine),
 * the generation of the connection it was (re)started on, and its open pipes. It is in rotation
 * (`ready`) only while its engine is connected and the task was confirmed on that connection.
 */
export class Replica {
  readonly engine: PoolEngine;
  /** Maximum open pipes (the task's `threads`). */
  readonly capacity: number;
  openPipes = 0;
  /** Pipes this replica ever opened for the pool (a count for reports and tests). */
  pipesOpened = 0;
  #token: string | undefined;
  /** The client generation on which the token was confirmed; -1 before that. */
  generation = -1;
  /** A (re)start of the task on this engine in flight. */
  starting: Promise<void> | undefined;

  constructor(engine: PoolEngine, capacity: number) {
    this.engine = engine;
    this.capacity = capacity;
  }

  get token(): string | undefined {
    return this.#token;
  }

  set token(value: string | undefined) {
    this.#token = value;
  }

  get ready(): boolean {
    return this.#token !== undefined && this.engine.connected && this.generation === this.engine.client.generation && this.starting === undefined;
  }

  get full(): boolean {
    return this.openPipes >= this.capacity;
  }

  /** Counts a pipe from now until the returned function is called (once). */
  hold(onChange: () => void): () => void {
    this.openPipes++;
    this.pipesOpened++;
    this.engine.openPipes++;
    onChange();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.openPipes--;
      this.engine.openPipes--;
      onChange();
    };
  }
}
