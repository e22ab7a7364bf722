import { Readable } from 'node:stream';
import { AbortError, type RocketRideClient } from '@rocketride-streams/core';
import { StoreReadSession, type StoreReadOptions } from './read-session.js';

/**
 * A Node `Readable` over one store file with real backpressure: one `fs_read` at a time, issued only when the
 * consumer wants data (`_read`), its size adapting from `highWaterMark` up to the engine's 4 MiB clamp. The handle
 * is opened in `_construct` (waiting while the client holds 64) and closed at the end (before `'end'`), on error,
 * on `destroy()` and on abort.
 */
export class StoreReadStream extends Readable {
  readonly #session: StoreReadSession;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    this.destroy(new AbortError(`Reading ${this.#session.path} was aborted`, { cause: this.#signal?.reason }));
  };
  #reading = false;
  #bytesRead = 0;

  /** @throws ValidationError for a bad path or option, before anything is sent. */
  constructor(client: RocketRideClient, path: string, options: StoreReadOptions = {}) {
    const session = new StoreReadSession(client, path, options);
    super({ highWaterMark: session.highWaterMark });
    this.#session = session;
    session.onFailure = (reason) => {
      if (!this.destroyed) this.destroy(reason);
    };
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.#onAbort();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The store path (normalised). */
  get path(): string {
    return this.#session.path;
  }

  /** The file's size, once open. */
  get size(): number | undefined {
    return this.#session.size;
  }

  /** Bytes handed to the consumer so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Node defers `_destroy` until `_construct` is done, which may be waiting for a handle: stop that wait first. */
  override destroy(error?: Error): this {
    if (!this.destroyed) void this.#session.close(error);
    return super.destroy(error);
  }

  /** Emits `'ready'` (as `fs.ReadStream` does) once the handle is open and `size` is known. */
  override _construct(callback: (error?: Error | null) => void): void {
    this.#session.open().then(
      () => {
        callback();
        this.emit('ready');
      },
      // destroy() while opening closed the session, which fails the open: that is no error of the stream's (Node
      // would emit it, crashing a caller that called destroy() without one); destroy(error) still reports its own.
      (error: Error) => callback(this.destroyed ? null : error),
    );
  }

  override _read(): void {
    if (this.#reading) return;
    this.#reading = true;
    this.#session.next().then(
      (chunk) => {
        this.#reading = false;
        if (this.destroyed) return;
        if (chunk === null) {
          this.push(null);
          return;
        }
        this.#bytesRead += chunk.byteLength;
        this.#session.adapt(this.push(chunk));
      },
      (error: Error) => {
        this.#reading = false;
        this.destroy(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#session.close(error ?? undefined).then(() => callback(error));
  }
}
