import { readFileSync } from 'node:fs';
import { type Engine, type EngineOptions, type PipeRecord, startEngine } from '@rocketride-streams/testing';
import { afterEach, beforeEach } from 'vitest';
import { type Msg, RawClient } from './raw-client.js';

/** The API key the engine is started with unless a case says otherwise (PROTOCOL.md §14 preamble). */
export const KEY = 'K';

export type Profile = 'intended' | 'head';
export const PROFILES: readonly Profile[] = ['intended', 'head'];

const fixture = (name: string): Msg =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}.json`, import.meta.url), 'utf8'));

/** A fresh copy of the echo pipeline (`webhook_1` → `response_1` on `text`). */
export const echoPipeline = (): Msg => fixture('echo');
/** A fresh copy of the chat pipeline (`chat_1` → `llm_1` on `questions` → `response_1` on `answers`). */
export const chatPipeline = (): Msg => fixture('chat');

export const ECHO_PROJECT = 'e612b741-748c-4b35-a8b7-186797a8ea42';

/** One engine per test, plus every client the test opened; all closed after the test. */
export interface Ctx {
  readonly engine: Engine;
  /** Opens a raw connection (not authenticated). */
  connect(options?: import('ws').ClientOptions): Promise<RawClient>;
  /** Opens a connection and authenticates it with `credential` (default {@link KEY}). */
  authed(credential?: string, options?: import('ws').ClientOptions): Promise<RawClient>;
}

/**
 * Registers `beforeEach`/`afterEach` hooks that start a simulator with `options` (apiKey {@link KEY}
 * unless given) for every test of the enclosing `describe`, and tear everything down afterwards.
 */
export function useEngine(options: EngineOptions = {}): Ctx {
  let engine: Engine | undefined;
  let clients: RawClient[] = [];
  beforeEach(async () => {
    engine = await startEngine({ apiKey: KEY, ...options });
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    await engine?.close();
    engine = undefined;
  });
  const ctx: Ctx = {
    get engine() {
      if (!engine) throw new Error('engine not started');
      return engine;
    },
    async connect(wsOptions) {
      const c = await RawClient.connect(ctx.engine.uri, wsOptions);
      clients.push(c);
      return c;
    },
    async authed(credential = KEY, wsOptions) {
      const c = await ctx.connect(wsOptions);
      const res = await c.request('auth', { auth: credential });
      if (res.success !== true) throw new Error(`auth failed: ${JSON.stringify(res)}`);
      return c;
    },
  };
  return ctx;
}

/** `execute`; throws unless it succeeds. Returns the body. */
export async function execute(c: RawClient, args: Record<string, unknown>): Promise<Msg> {
  const res = await c.request('execute', { pipeline: echoPipeline(), args: [], ...args }, 5000);
  if (res.success !== true) throw new Error(`execute failed: ${JSON.stringify(res)}`);
  return res.body;
}

/** `rrext_process open`, returning the whole response. */
export function open(c: RawClient, token: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<Msg> {
  return c.request(
    'rrext_process',
    { subcommand: 'open', object: { name: 'a.txt' }, mimeType: 'text/plain', token, ...args },
    timeoutMs,
  );
}

/** `open` that must succeed; returns the pipe_id. */
export async function openPipe(c: RawClient, token: string, args: Record<string, unknown> = {}): Promise<number> {
  const res = await open(c, token, args);
  if (res.success !== true || typeof res.body?.pipe_id !== 'number') throw new Error(`open failed: ${JSON.stringify(res)}`);
  return res.body.pipe_id;
}

/** `rrext_process write` as one binary frame; returns the whole response. */
export function write(c: RawClient, token: string, pipeId: number, data: Uint8Array | string): Promise<Msg> {
  return c.request('rrext_process', { subcommand: 'write', pipe_id: pipeId, token, data });
}

/** `rrext_process close`; returns the whole response. */
export function close(c: RawClient, token: string, pipeId: number): Promise<Msg> {
  return c.request('rrext_process', { subcommand: 'close', pipe_id: pipeId, token });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Repeats `probe` every `everyMs` until it returns true or `timeoutMs` passes; returns its last value. */
export async function eventually(probe: () => Promise<boolean> | boolean, timeoutMs = 3000, everyMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= end) return false;
    await sleep(everyMs);
  }
}

/** A Question document as `chat()` sends it (§5.6), trimmed to the fields the server needs. */
export const question = (text: string) => JSON.stringify({ type: 'question', questions: [{ text }] });

/** The wire sequence of `chat()` (§5.6): open a question pipe with provider "chat", one write, close. */
export async function chat(c: RawClient, token: string, text: string, name = 'Question 1'): Promise<Msg> {
  const pipe = await openPipe(c, token, { object: { name }, mimeType: 'application/rocketride-question', provider: 'chat' });
  const w = await write(c, token, pipe, question(text));
  if (w.success !== true) throw new Error(`question write failed: ${JSON.stringify(w)}`);
  return close(c, token, pipe);
}

/**
 * The simulator's record of the latest pipe `pipeId` of `token`. Used only where the wire cannot tell
 * outcomes apart (HEAD answers a failed write exactly like a good one).
 */
export function pipeRecord(engine: Engine, token: string, pipeId: number): PipeRecord | undefined {
  return engine.pipes({ token }).filter((p) => p.pipeId === pipeId).at(-1);
}
