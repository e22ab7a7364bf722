import type { Socket } from 'node:net';
import type { RocketRideError } from 'rocketride-streams';
import { bodyIncomplete, clientDisconnected, contentLengthMismatch } from './upload-errors.js';
import type { RequestLike } from './request-info.js';

/** What a {@link RequestWatch} needs to describe a body that stopped short. */
export interface RequestWatchOptions {
  /** Bytes of the body parsed so far (streamed on, or still buffered in the request). */
  received: () => number;
  /** The body's `Content-Length`, when it has one. */
  declared: number | undefined;
  /**
   * Called synchronously when the client half-closed its side of the connection before the body was
   * complete. Node answers such a request with a bare 400 and destroys the socket right after this
   * call, so an answer has to be written here, synchronously, to reach the client.
   */
  onIncomplete?: ((error: RocketRideError) => void) | undefined;
}

/**
 * Watches one request for its body stopping short, and aborts {@link signal} when it does:
 *
 * - the client half-closes with the body incomplete (fewer bytes than `Content-Length`, or a chunked
 *   body without its last chunk): `ERR_CONTENT_LENGTH_MISMATCH` / `ERR_BODY_INCOMPLETE`, reported
 *   through `onIncomplete` while the response can still be written;
 * - the client disconnects (or already had) before the body ended: `ERR_CLIENT_DISCONNECTED`, and
 *   there is nobody left to answer.
 *
 * Every pipe of the upload takes the signal, so each is destroyed, never closed.
 */
export class RequestWatch {
  readonly #ctl = new AbortController();
  readonly #req: RequestLike;
  readonly #socket: Socket | null;
  readonly #options: RequestWatchOptions;

  readonly #onGone = (): void => {
    if (!this.#req.complete) this.#ctl.abort(clientDisconnected());
  };
  readonly #onSocketEnd = (): void => {
    if (this.#req.complete || this.#ctl.signal.aborted) return;
    const { received, declared, onIncomplete } = this.#options;
    const error = declared === undefined ? bodyIncomplete(received()) : contentLengthMismatch(received(), declared);
    this.#ctl.abort(error);
    onIncomplete?.(error);
  };

  constructor(req: RequestLike, options: RequestWatchOptions) {
    this.#req = req;
    this.#options = options;
    this.#socket = req.socket ?? null;
    req.on('error', this.#onGone);
    req.on('close', this.#onGone);
    // Ahead of Node's own 'end' listener, which destroys the socket when the body is incomplete.
    this.#socket?.prependListener('end', this.#onSocketEnd);
    // A client that left while the handler was still getting ready (resolving the token…).
    if (req.destroyed) this.#onGone();
  }

  /** Aborted with the reason the body stopped short. */
  get signal(): AbortSignal {
    return this.#ctl.signal;
  }

  /** Why the body stopped short, once it did. */
  get reason(): RocketRideError | undefined {
    return this.#ctl.signal.aborted ? (this.#ctl.signal.reason as RocketRideError) : undefined;
  }

  release(): void {
    this.#req.off('error', this.#onGone);
    this.#req.off('close', this.#onGone);
    this.#socket?.off('end', this.#onSocketEnd);
  }
}
