import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { ValidationError } from 'rocketride-streams';
import type { Engine } from '@rocketride-streams/testing';
import { attempt, type Cases, type Check, describeError, type Settled, settle, sleep } from './invariants.js';
import { KEY } from './session.js';

/**
 * The grid of careless calls shared by the `options-*.test.ts` files: every argument and option field of an
 * entry point, each with its bad values, must be refused with a coded ValidationError whose message names
 * the argument (and never shows the credential), before anything reaches the engine or a socket is opened.
 */
export type Bad = readonly unknown[];

/** An object whose `field` getter throws (a careless caller's options object). */
export function throwingGetter(field: string): object {
  return Object.defineProperty({}, field, {
    enumerable: true,
    get() {
      throw new Error(`getter ${field} exploded`);
    },
  });
}

/** A Proxy whose every trap throws. */
export function throwingProxy(): object {
  const boom = (): never => {
    throw new Error('proxy trap exploded');
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

/** An object that refers to itself (JSON cannot carry it). */
export function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}

/** A credential given where it does not belong (a careless caller's mix-up): no message may show it. */
const SECRET = KEY;
export const NOT_STRING: Bad = [42, true, {}, [], () => 'x', null, Number.NaN];
export const NOT_NON_EMPTY_STRING: Bad = [...NOT_STRING, ''];
export const NOT_SIGNAL: Bad = ['x', SECRET, 42, {}, true, { aborted: false }, null];
export const NOT_FUNCTION: Bad = ['x', SECRET, 42, {}, null];
export const NOT_BOOLEAN: Bad = ['yes', SECRET, 1, {}, null];
export const NOT_POSITIVE_INT: Bad = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '4', SECRET, {}, null];
export const NOT_NON_NEGATIVE_INT: Bad = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '4', SECRET, {}, null];
export const NOT_OBJECT: Bad = [42, 'x', true, null, []];
/** Bad values of an optional `options` argument: wrong types, and objects that cannot be read. */
export const BAD_OPTIONS: Bad = [42, 'x', true, null, [], throwingProxy(), throwingGetter('signal')];
/** Bad values of a required options object whose `field` is read first (the getter is put on that one). */
export const badRequiredOptions = (field: string): Bad => [undefined, 42, 'x', true, null, [], throwingProxy(), throwingGetter(field)];
/** Bad values of a JSON payload (an object that goes out on the wire). */
export const BAD_JSON_OBJECT: Bad = [42, 'x', null, [], cyclic(), throwingProxy()];
/** Bad store paths: wrong types, traversal, forbidden characters. */
export const BAD_PATH: Bad = [42, null, {}, [], '../x', 'a/../../b', 'a*b', 'a\u0001b', 'a:b'];
/** Bad paths of a single entry (also the store root itself). */
export const BAD_ENTRY_PATH: Bad = [...BAD_PATH, '', '/', '.'];

/** One entry point: its fields (argument and option names) with their bad values, and how to call it with one laid over valid arguments. */
export interface Entry {
  fields: Record<string, Bad>;
  call: (bad: Record<string, unknown>) => unknown;
}

/** A value as it appears in a case's name. */
export const label = (v: unknown): string => {
  if (typeof v === 'function') return 'fn';
  if (typeof v === 'number' || v === undefined) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return 'an unreadable object';
  }
};

/** A bad value of `field` when the case has one, else the valid `fallback`. */
export const or = (bad: Record<string, unknown>, field: string, fallback: unknown): unknown => (field in bad ? bad[field] : fallback);
/** `options` (bad as a whole) and `options.signal` of a `(…, options?: CallOptions)` method. */
export const callOptions = (): Record<string, Bad> => ({ options: BAD_OPTIONS, 'options.signal': NOT_SIGNAL });
/** The options object to pass: the bad `options`, or one with the bad `options.*` fields over `extra`. */
export function opts(bad: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  if ('options' in bad) return bad.options;
  const o: Record<string, unknown> = { ...extra };
  for (const [k, v] of Object.entries(bad)) if (k.startsWith('options.')) o[k.slice('options.'.length)] = v;
  return o;
}

/** Whatever an entry point returned: its failure within a short bound, or what it is (a live stream, a handler, a value). */
export async function outcomeOf(result: unknown): Promise<Settled<unknown>> {
  if (result && typeof (result as { subscribe?: unknown }).subscribe === 'function' && typeof (result as { pipe?: unknown }).pipe === 'function') {
    let sub: { unsubscribe(): void } | undefined;
    const o = await settle(
      new Promise<unknown>((resolve, reject) => {
        sub = (result as { subscribe: (o: object) => { unsubscribe(): void } }).subscribe({ next: (v: unknown) => resolve(v), error: reject, complete: () => resolve('completed') });
      }),
      300,
    );
    sub?.unsubscribe();
    return o.status === 'hung' ? { status: 'resolved', value: 'subscribed without error' } : o;
  }
  if (result instanceof Readable || result instanceof Writable) {
    const stream = result;
    const failed = new Promise<unknown>((_, reject) => stream.on('error', reject));
    const ended = 'result' in stream ? (stream as unknown as { result: Promise<unknown> }).result : new Promise(() => {});
    const o = await settle(Promise.race([failed, ended]), 300);
    stream.destroy();
    return o.status === 'hung' ? { status: 'resolved', value: 'a live stream' } : o;
  }
  if (result instanceof ReadableStream) {
    const o = await settle(result.getReader().read(), 300);
    return o.status === 'hung' ? { status: 'resolved', value: 'a live stream' } : o;
  }
  if (result instanceof WritableStream) {
    const w = result as WritableStream & { result?: Promise<unknown> };
    const writer = w.getWriter();
    const o = await settle(w.result ?? writer.closed, 300);
    void writer.abort().catch(() => {});
    return o.status === 'hung' ? { status: 'resolved', value: 'a live stream' } : o;
  }
  if (typeof result === 'function') return { status: 'resolved', value: 'a handler' };
  return settle(Promise.resolve(result), 2_000);
}

/**
 * Other words that name an argument in the library's messages: `request(command, args)` says "arguments", an
 * org/team `scopeId` is "the org id", and an overloaded argument is named by what it stands for there
 * (`setEvents(token, types, 3)`: the pipeId; `getEnv('x')`: the scope; `getTaskToken(42)`: "needs options …").
 */
const ALIASES: Record<string, string[]> = {
  args: ['arguments'],
  scopeId: ['id'],
  options: ['pipeId', 'scope', '`path`'],
  filter: ['projectId', 'token'],
  types: ['event type'],
  target: ['PoolTask'],
  source: ['upload() takes'],
};

/** The name an error message must carry for a bad `field` (its last segment: `options.signal` → `signal`). */
function namesField(message: string, field: string): boolean {
  const last = field.split('.').at(-1)!.replace(/\[\d+\]$/, '');
  // Store paths are refused with the engine's own messages (`Path traversal not allowed: …`), which show the path.
  const names = [last, ...(/path$/i.test(last) || last === 'from' || last === 'to' ? ['path'] : []), ...(ALIASES[last] ?? [])];
  return names.some((n) => message.toLowerCase().includes(n.toLowerCase()));
}

/** Calls `entry` with `bad` and checks the refusal: coded ValidationError, message naming a field, nothing sent, no socket opened. */
export async function runCase(engine: Engine, entry: Entry, bad: Record<string, unknown>, check: Check): Promise<void> {
  const before = engine.requests().length;
  const connections = engine.connectionCount();
  const called = await settle(attempt(() => entry.call(bad)), 2_000);
  const outcome = called.status === 'resolved' ? await outcomeOf(called.value) : called;
  const failure = outcome.status === 'rejected' ? outcome.error : undefined;
  check(failure !== undefined, 'bad arguments are refused', outcome.status === 'hung' ? 'hung' : `accepted: ${String((outcome as { value?: unknown }).value).slice(0, 80)}`);
  if (failure !== undefined) {
    check(failure instanceof ValidationError, 'refused with a ValidationError', describeError(failure));
    check.coded(failure, 'refusal');
    const message = failure instanceof Error ? failure.message : '';
    const code = (failure as { code?: unknown }).code;
    check(
      code === 'ERR_ENCODE' || /serialis/.test(message) || Object.keys(bad).some((f) => namesField(message, f)),
      'the message names the bad argument',
      `${String(code)}: ${message.slice(0, 160)}`,
    );
    check(!message.includes(KEY), 'no credential in the message', message.slice(0, 160));
  }
  await sleep(10);
  check(engine.requests().length === before, 'nothing reached the engine', `${engine.requests().length - before} requests`);
  check(engine.connectionCount() <= connections, 'no connection was opened', `${engine.connectionCount()} connections`);
}

/** Runs every field of `entry` with each of its bad values, as cases of kind `name`. */
export async function runGrid(cases: Cases, engine: Engine, name: string, entry: Entry): Promise<void> {
  for (const [field, values] of Object.entries(entry.fields)) {
    for (const v of values) await cases.run(name, `${name} ${field}: ${label(v)}`, (check) => runCase(engine, entry, { [field]: v }, check));
  }
}

/** `runs` seeded draws of an entry point with two to four of its fields bad at once, as cases of kind `random`. */
export async function runRandom(cases: Cases, engine: Engine, entries: Record<string, () => Entry>, seed: number, runs: number): Promise<void> {
  const names = Object.keys(entries);
  const draws = fc.sample(fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 2, maxLength: 4 })), { seed, numRuns: runs });
  for (const [i, [e, picks]] of draws.entries()) {
    const name = names[e % names.length]!;
    const entry = entries[name]!();
    const fields = Object.entries(entry.fields);
    const bad: Record<string, unknown> = {};
    for (const [f, v] of picks) {
      const [field, values] = fields[f % fields.length]!;
      bad[field] = values[v % values.length];
    }
    const shown = Object.entries(bad).map(([k, v]) => `${k}: ${label(v)}`).join(', ');
    await cases.run('random', `#${i} ${name} ${shown}`, (check) => runCase(engine, entry, bad, check));
  }
}
