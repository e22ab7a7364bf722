import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { EncodedMessage } from '../codec/types.js';
import { ConnectionError } from '../errors/connection-error.js';
import type { RocketRideError } from '../errors/rocketride-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { abortError } from './pending.js';
import { sendEncoded } from './send.js';

/** How to open one WebSocket. */
export interface OpenOptions {
  /** Give up after this many ms (`ERR_CONNECT_TIMEOUT`). */
  timeout: number;
  /** The budget named in the timeout error's message, when `timeout` is what is left of it. Default `timeout`. */
  budget?: number;
  signal?: AbortSignal | undefined;
  perMessageDeflate: boolean;
  maxPayload: number;
}

/** Close reason used when the application disconnects. */
export const REASON_REQUESTED = 'Disconnected by request';

/** The engine refuses the WebSocket of an address holding too many unauthenticated ones (PROTOCOL.md §1.1). */
const REFUSED_STATUS = 403;

/**
 * Opens a WebSocket and resolves once it is open. Rejects with a coded error on failure
 * (`ERR_CONNECT_FAILED`; `ERR_CONNECT_REFUSED` when the handshake is answered with HTTP 403, the
 * engine's per-address limit of unauthenticated sockets), timeout (`ERR_CONNECT_TIMEOUT`) or abort
 * (`ERR_ABORTED`); the socket is terminated in every failure case.
 */
export function openSocket(uri: string, options: OpenOptions): Promise<WebSocket> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal, 'Connect'));
  return new Promise<WebSocket>((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(uri, { perMessageDeflate: options.perMessageDeflate, maxPayload: options.maxPayload });
    } catch (cause) {
      reject(new ConnectionError(`Failed to connect to ${uri}: ${(cause as Error).message}`, { code: 'ERR_CONNECT_FAILED', cause }));
      return;
    }
    let done = false;
    const finish = (error: RocketRideError | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      ws.off('close', onClose);
      ws.off('error', onError);
      ws.off('unexpected-response', onResponse);
      if (error === undefined) {
        resolve(ws);
      } else {
        ws.on('error', noop);
        ws.terminate();
        reject(error);
      }
    };
    const onOpen = (): void => finish(undefined);
    const onError = (cause: Error): void =>
      finish(new ConnectionError(`Failed to connect to ${uri}: ${cause.message}`, { code: 'ERR_CONNECT_FAILED', cause }));
    const onClose = (code: number): void =>
      finish(new ConnectionError(`Failed to connect to ${uri}: closed with code ${code}`, { code: 'ERR_CONNECT_FAILED' }));
    // A handshake answered without an upgrade (ws would otherwise report it as a plain error).
    const onResponse = (_req: unknown, res: IncomingMessage): void => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (status === REFUSED_STATUS) {
        finish(
          new ConnectionError(`Failed to connect to ${uri}: the engine refused the WebSocket (HTTP 403: too many unauthenticated connections from this address)`, {
            code: 'ERR_CONNECT_REFUSED',
          }),
        );
      } else {
        finish(new ConnectionError(`Failed to connect to ${uri}: unexpected server response ${status}`, { code: 'ERR_CONNECT_FAILED' }));
      }
    };
    const onAbort = (): void => finish(abortError(signal!, 'Connect'));
    const timer = setTimeout(
      () => finish(new TimeoutError(`Connection timeout after ${options.budget ?? options.timeout}ms`, { code: 'ERR_CONNECT_TIMEOUT' })),
      options.timeout,
    );
    ws.on('unexpected-response', onResponse);
    ws.on('open', onOpen);
    ws.on('error', onError);
    ws.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function noop(): void {}

/** How {@link openSocketWithin} opens a socket: within `timeout` ms from `started`, retrying refusals. */
export interface OpenWithinOptions extends OpenOptions {
  /** When the budget started (`Date.now()`); default now. */
  started?: number;
  /** Called before each retry of a refused socket. */
  onRefused?: (attempt: number, delay: number) => void;
}

/** First and longest pause between two attempts after a refusal, in ms (jittered to 50–100 %). */
const REFUSAL_DELAY = 50;
const MAX_REFUSAL_DELAY = 1000;

/**
 * Opens a WebSocket as {@link openSocket} does, but retries a refused one (`ERR_CONNECT_REFUSED`: the
 * engine allows 10 unauthenticated sockets per address, so many connects at once from one process
 * are partly refused until earlier ones have authenticated) after a jittered, doubling pause, until
 * `timeout` ms from `started` have passed. Running out of time while refused is `ERR_CONNECT_TIMEOUT`
 * with the refusal as `cause`. Other failures are not retried.
 */
export async function openSocketWithin(uri: string, options: OpenWithinOptions): Promise<WebSocket> {
  const started = options.started ?? Date.now();
  const deadline = started + options.timeout;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    const remaining = Math.max(1, deadline - Date.now());
    try {
      return await openSocket(uri, { ...options, timeout: remaining, budget: options.timeout });
    } catch (error) {
      if (!(error instanceof ConnectionError) || error.code !== 'ERR_CONNECT_REFUSED') throw error;
      const ceiling = Math.min(MAX_REFUSAL_DELAY, REFUSAL_DELAY * 2 ** Math.min(attempt - 1, 10));
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      if (Date.now() + delay >= deadline) {
        throw new TimeoutError(`Connection timeout after ${options.timeout}ms: the engine kept refusing the WebSocket (${error.message})`, {
          code: 'ERR_CONNECT_TIMEOUT',
          cause: error,
        });
      }
      options.onRefused?.(attempt, delay);
      await pause(delay, signal);
    }
  }
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal, 'Connect'));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!, 'Connect'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a {@link Connection} reports to its owner. */
export interface ConnectionHandlers {
  message(data: Buffer, isBinary: boolean): void;
  /** Called exactly once, when the socket is gone. */
  close(reason: string, hasError: boolean, code: number): void;
}

export interface KeepaliveOptions {
  /** Ping interval in ms; 0 = off. */
  interval: number;
  /**
   * Terminate when the last pong (or ping, or frame) from the peer is older than this, in ms. Checked at every ping, so a
   * silently dead peer is noticed between `timeout` and `timeout + interval` after its last sign of life.
   */
  timeout: number;
}

/**
 * One open WebSocket with keepalive and close-reason bookkeeping (PROTOCOL.md §9). Close reasons:
 * the close frame's text if any, `Connection closed normally` (1000), `Connection closed unexpectedly`,
 * `WebSocket error: <message>`, `Disconnected by request`, or the keepalive timeout.
 */
export class Connection {
  private closed = false;
  private errorMessage: string | undefined;
  private ownReason: { reason: string; hasError: boolean } | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  /** When the peer last showed it is alive: a pong, a ping, or any frame. */
  private lastSeen = Date.now();

  constructor(
    readonly ws: WebSocket,
    private readonly handlers: ConnectionHandlers,
    keepalive: KeepaliveOptions,
  ) {
    ws.on('error', (error: Error) => {
      this.errorMessage ??= error.message;
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));
    if (keepalive.interval > 0) {
      const alive = (): void => {
        this.lastSeen = Date.now();
      };
      // Anything from the peer proves it alive: a pong, the engine's own ping (it pings every 15 s), or
      // a frame. So a pong late behind a saturated uplink or a large response does not count against it.
      // One 'message' listener does both jobs: each frame costs one call, not an emit over two listeners.
      const message = handlers.message;
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        message(data, isBinary);
        this.lastSeen = Date.now();
      });
      ws.on('pong', alive);
      ws.on('ping', alive);
      this.keepaliveTimer = setInterval(() => this.tick(keepalive.timeout), keepalive.interval);
      this.keepaliveTimer.unref();
    } else {
      ws.on('message', handlers.message);
    }
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket and not yet handed to the OS. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(encoded: EncodedMessage): void {
    sendEncoded(this.ws, encoded);
  }

  /**
   * Closes the socket (code 1000) and resolves once it is gone. Falls back to terminating it when
   * the peer does not complete the closing handshake within `graceMs`.
   */
  close(reason: string = REASON_REQUESTED, graceMs = 1000): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ownReason ??= { reason, hasError: false };
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), graceMs);
      timer.unref();
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000);
    });
  }

  /** Drops the socket at once (no closing handshake). */
  terminate(reason: string, hasError: boolean): void {
    if (this.closed) return;
    this.ownReason ??= { reason, hasError };
    this.ws.terminate();
  }

  private tick(timeout: number): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastSeen > timeout) {
      this.terminate(`Keepalive timeout: no pong for ${timeout}ms`, true);
      return;
    }
    this.ws.ping();
  }

  private onClose(code: number, reasonBuf: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer);
    let reason: string;
    let hasError: boolean;
    const text = reasonBuf.length > 0 ? reasonBuf.toString('utf8') : '';
    if (this.ownReason !== undefined) {
      ({ reason, hasError } = this.ownReason);
    } else if (this.errorMessage !== undefined) {
      reason = `WebSocket error: ${this.errorMessage}`;
      hasError = true;
    } else if (text !== '') {
      reason = text;
      hasError = code !== 1000;
    } else if (code === 1000) {
      reason = 'Connection closed normally';
      hasError = false;
    } else {
      reason = `Connection closed unexpectedly (code ${code})`;
      hasError = true;
    }
    this.handlers.close(reason, hasError, code);
  }
}
