import { createServer, type RequestListener, type Server } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import type { EngineOptions } from 'rocketride-streams';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeServer, type EngineFixture, listen, startEngineFixture } from './fixture.js';

/** `express` of either major (both are called the same way here). */
export type ExpressFactory = typeof express5;

/** The Express majors every handler is tested on, for `describe.each`. */
export const EXPRESS_MAJORS: ReadonlyArray<readonly [string, ExpressFactory]> = [
  ['express 5', express5],
  ['express 4', express4],
];

/** A middleware mounted in front of the handler under test (a body parser, a peek at the body…). */
export type Middleware = (req: never, res: never, next: () => void) => void;

type Handler = (req: never, res: never, next?: never) => void;

/** What {@link useApp} gives a `describe` block; `fx` and `base` are set once its hooks ran. */
export interface AppFixture {
  /** The engine (the echo pipeline running), shared by the block's tests. */
  readonly fx: EngineFixture;
  /** `http://127.0.0.1:port` of the app the current test mounted. */
  readonly base: string;
  /** Serves an Express app with `handler` on `method path`, after `before`; resolves to the base URL. */
  mount(method: 'get' | 'post' | 'put', path: string, handler: Handler, before?: Middleware[]): Promise<string>;
  /** Serves any request listener (an app the test built, a bare `node:http` handler); resolves to the base URL. */
  serve(listener: RequestListener): Promise<string>;
  /** Runs `fn` after the current test, before its server closes (readers to cancel, clients to disconnect…). */
  defer(fn: () => unknown): void;
}

/**
 * The setup of every handler test: an engine fixture from `beforeAll` to `afterAll`, and after each test the
 * deferred clean-ups, the engine's faults reset and the test's server closed (cutting connections still open).
 */
export function useApp(express: ExpressFactory, engineOptions: EngineOptions = {}): AppFixture {
  let fx: EngineFixture | undefined;
  let server: Server | undefined;
  let base = '';
  const deferred: Array<() => unknown> = [];

  beforeAll(async () => {
    fx = await startEngineFixture(engineOptions);
  });
  afterAll(async () => {
    await fx?.close();
  });
  afterEach(async () => {
    for (const fn of deferred.splice(0).reverse()) await fn();
    fx?.engine.faults.reset();
    await closeServer(server);
    server = undefined;
  });

  const serve = async (listener: RequestListener): Promise<string> => {
    server = createServer(listener);
    base = await listen(server);
    return base;
  };
  return {
    get fx() {
      if (!fx) throw new Error('the engine fixture starts in beforeAll');
      return fx;
    },
    get base() {
      return base;
    },
    mount(method, path, handler, before = []) {
      const app = express();
      for (const m of before) app.use(m as never);
      app[method](path, handler as never);
      return serve(app);
    },
    serve,
    defer(fn) {
      deferred.push(fn);
    },
  };
}
