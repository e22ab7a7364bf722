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
  signal?: AbortSignal | undefined;
  perMessageDeflate: boolean;
  maxPayload: number;
}

/** Close reason used when the application disconnects. */
export const REASON_REQUESTED = 'Disconnected by request';

/**
 * Opens a WebSocket and resolves once it is open. Rejects with a coded error on failure
 * (`ERR_CONNECT_FAILED`), timeout (`ERR_CONNECT_TIMEOUT`) or abort (`ERR_ABORTED`); the socket is
 * terminated in every failure case.
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
    const onAbort = (): void => finish(abortError(signal!, 'Connect'));
    const timer = setTimeout(
      () => finish(new TimeoutError(`Connection timeout after ${options.timeout}ms`, { code: 'ERR_CONNECT_TIMEOUT' })),
      options.timeout,
    );
    ws.on('open', onOpen);
    ws.on('error', onError);
    ws.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function noop(): void {}

/** What a {@link Connection} reports to its owner. */
export interface ConnectionHandlers {
  message(data: Buffer, isBinary: boolean): void;
  /** Called exactly once, when the socket is gone. */
  close(reason: string, hasError: boolean, code: number): void;
}

export interface KeepaliveOptions {
  /** Ping interval in ms; 0 = off. */
  interval: number;
  /** Terminate when the last pong is older than this, in ms. */
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
  private lastPong = Date.now();

  constructor(
    readonly ws: WebSocket,
    private readonly handlers: ConnectionHandlers,
    keepalive: KeepaliveOptions,
  ) {
    ws.on('message', handlers.message);
    ws.on('error', (error: Error) => {
      this.errorMessage ??= error.message;
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));
    if (keepalive.interval > 0) {
      ws.on('pong', () => {
        this.lastPong = Date.now();
      });
      this.keepaliveTimer = setInterval(() => this.tick(keepalive.timeout), keepalive.interval);
      this.keepaliveTimer.unref();
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
    if (Date.now() - this.lastPong > timeout) {
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
