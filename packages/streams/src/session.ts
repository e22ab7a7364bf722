import { ConnectionError, type PipelineResult, type RocketRideClient, ValidationError } from '@rocketride-streams/core';
import { PipeChannel, type PipeChannelOptions, safeCall } from '@rocketride-streams/core/internal';
import { ByteQueue } from './byte-queue.js';
import { checkToken } from './option-checks.js';
import type { PipeProgress, ResolvedPipeOptions } from './options.js';
import { startsCharacter, Utf8Validator } from './utf8.js';

const NEWLINE = 0x0a;

/** The error of a session whose connection was lost while its pipe was open. */
const lost = (): ConnectionError =>
  new ConnectionError('The connection to the engine was lost while the pipe was open; the object was not committed', { code: 'ERR_CONNECTION_LOST' });

/**
 * One engine data pipe driven by a stream. The pipe's rules (open before the first write, exactly one
 * write request in flight, `close` only from `finish()`, `abandon()` that never sends `close`, a lost
 * connection failing the pipe at once) are its core `PipeChannel`'s; the session adds the chunking
 * policy on top: writes of at most `maxWriteBytes`, text cut at line ends or character boundaries
 * and flushed when the source is idle, one document per write, and progress. The Node and WHATWG
 * adapters are thin layers over this.
 */
export class PipeSession {
  readonly #client: RocketRideClient;
  readonly #token: string;
  readonly #opts: ResolvedPipeOptions;
  readonly #onProgress: ((p: PipeProgress) => void) | undefined;
  readonly #channel: PipeChannel;
  readonly #queue = new ByteQueue();
  readonly #utf8: Utf8Validator | undefined;
  readonly #progress: PipeProgress;
  #idleTimer: NodeJS.Timeout | undefined;
  #idleSend: Promise<void> | undefined;
  #sending = false;
  /** Called once when the session is abandoned, e.g. on socket loss, so the owning stream can fail. */
  onAbandon: ((reason: Error) => void) | undefined;

  constructor(client: RocketRideClient, token: string, opts: ResolvedPipeOptions, onProgress?: (p: PipeProgress) => void) {
    this.#client = client;
    this.#token = token;
    this.#opts = opts;
    this.#onProgress = onProgress;
    this.#utf8 = opts.mode === 'text' ? new Utf8Validator() : undefined;
    this.#progress = { bytesSent: 0, bytesAcknowledged: 0, writes: 0 };
    if (opts.total !== undefined) this.#progress.total = opts.total;
    const channelOptions: PipeChannelOptions = {
      writeTimeout: opts.writeTimeoutMs,
      closeTimeout: opts.closeTimeoutMs,
      lostError: lost,
      onFailure: (error, connectionLost) => {
        clearTimeout(this.#idleTimer);
        // A failed step reaches its caller; a lost connection may come while nothing is asked.
        if (connectionLost) this.onAbandon?.(error);
      },
    };
    if (opts.provider !== undefined) channelOptions.provider = opts.provider;
    this.#channel = new PipeChannel(client, token, opts.objinfo, opts.mimeType, channelOptions);
  }

  get pipeId(): number | undefined {
    return this.#channel.pipeId;
  }

  get progress(): Readonly<PipeProgress> {
    return this.#progress;
  }

  /** True once `close` has been sent and its answer is awaited: from then on the object may be committed. */
  get closing(): boolean {
    return this.#channel.state === 'closing';
  }

  /** Opens the engine pipe. Rejects with a typed error, and sends nothing, when the input is unusable. */
  async open(): Promise<void> {
    const channel = this.#channel;
    if (channel.failure) throw channel.failure;
    if (channel.state !== 'new') throw new Error(`open() called in state ${channel.state}`);
    checkToken(this.#token);
    if (!this.#client.isConnected()) {
      throw new ConnectionError('The client is not connected; call connect() before opening a pipe', { code: 'ERR_NOT_CONNECTED' });
    }
    await channel.open();
    this.#report();
    this.#armIdle();
  }

  /** Sends byte chunks (bytes and text modes). Resolves once every write it made was acknowledged. */
  async writeBytes(chunks: readonly Uint8Array[]): Promise<void> {
    await this.#quiesce();
    this.#assertWritable();
    for (const chunk of chunks) {
      this.#utf8?.push(chunk);
      this.#queue.push(chunk);
    }
    const max = this.#opts.maxWriteBytes;
    if (this.#opts.mode === 'text') {
      // Hold text back until a full segment is ready: every write is a segment on the engine side.
      while (this.#queue.bytes >= max) {
        const cut = this.#textCut();
        if (cut === 0) break; // only the start of a character is held: wait for the rest of it
        await this.#send(this.#queue.take(cut));
      }
    } else {
      while (this.#queue.bytes > 0) await this.#send(this.#queue.take(Math.min(this.#queue.bytes, max)));
    }
    this.#armIdle();
  }

  /** Sends each value as one complete JSON document in its own write (documents mode). */
  async writeDocuments(docs: readonly unknown[]): Promise<void> {
    await this.#quiesce();
    this.#assertWritable();
    for (const doc of docs) await this.#send([encodeDocument(doc)]);
  }

  /** Flushes held-back text, closes the pipe and returns the engine's result: the object is committed. */
  async finish(): Promise<PipelineResult> {
    await this.#quiesce();
    this.#assertWritable();
    this.#utf8?.end();
    while (this.#queue.bytes > 0) await this.#send(this.#queue.take(this.#textCut()));
    clearTimeout(this.#idleTimer);
    return this.#channel.close();
  }

  /**
   * Gives the pipe up without committing it: cancels any request in flight locally and never sends
   * `close`. The engine reaps the pipe after its idle timeout (60–90 s). `notify: false` when the
   * owner is the one abandoning, so `onAbandon` is kept for failures the owner did not see yet.
   * Once `close` has been sent nothing can undo it: abandoning then only bounds the wait for the
   * answer, and `finish()` reports the real outcome (or `ERR_COMMIT_UNKNOWN` without an answer).
   */
  abandon(reason: Error, notify = true): void {
    const state = this.#channel.state;
    if (state === 'closed' || state === 'failed') return;
    this.#channel.abandon(reason);
    if (state === 'closing') return;
    clearTimeout(this.#idleTimer);
    if (notify) this.onAbandon?.(reason);
  }

  /** Waits for an idle flush in flight, so writes never overlap. */
  async #quiesce(): Promise<void> {
    if (this.#idleSend) await this.#idleSend;
  }

  /**
   * Starts the idle-flush clock when text is held back and the clock is not running. The clock
   * measures time since the last write sent (each send restarts it), not since the last input: a
   * source trickling small pieces would otherwise keep the text back for ever.
   */
  #armIdle(): void {
    const ms = this.#opts.idleFlushMs;
    if (ms <= 0 || this.#idleTimer || this.#channel.state !== 'open' || this.#opts.mode !== 'text' || this.#queue.bytes === 0) return;
    this.#idleTimer = setTimeout(this.#onIdle, ms);
    this.#idleTimer.unref();
  }

  /**
   * Text has been held back while the source was quiet for idleFlushMs: send it as a segment, so
   * the engine does not reap the pipe (60 s without a write) because of our own holding back.
   */
  readonly #onIdle = (): void => {
    this.#idleTimer = undefined;
    if (this.#sending) return; // a write is on its way; it restarts the clock
    // Stryker disable next-line OptionalChaining: the idle clock runs only in text mode, where #utf8 is always set
    const complete = this.#queue.bytes - (this.#utf8?.pendingBytes ?? 0);
    if (complete <= 0) return; // only part of a character: nothing can be sent yet
    this.#idleSend = this.#send(this.#queue.take(complete)).then(
      // Stryker disable next-line BlockStatement: the flush took every complete character, so only part of one can be left, which a restarted clock could not send either; a settled idleSend left in place is awaited at no cost
      () => {
        this.#idleSend = undefined;
        this.#armIdle();
      },
      (err: Error) => {
        this.#idleSend = undefined;
        this.onAbandon?.(err); // no write of the owner's is waiting to see it
      },
    );
  };

  #assertWritable(): void {
    const channel = this.#channel;
    if (channel.failure) throw channel.failure;
    if (channel.state !== 'open') throw new Error(`pipe is not open (state ${channel.state})`);
  }

  async #send(parts: Uint8Array[]): Promise<void> {
    let n = 0;
    for (const p of parts) n += p.byteLength;
    this.#progress.bytesSent += n;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#sending = true;
    try {
      await this.#channel.write(parts);
    } finally {
      this.#sending = false;
    }
    this.#progress.bytesAcknowledged += n;
    this.#progress.writes++;
    this.#report();
  }

  /**
   * Where the next text segment ends: every complete character if they fit, else a line end or a
   * character boundary. The bytes of a character not complete yet (at the end of the input so far)
   * are never part of a segment.
   */
  #textCut(): number {
    const q = this.#queue;
    const max = this.#opts.maxWriteBytes;
    // Stryker disable next-line OptionalChaining: text is held (and cut) only in text mode, where #utf8 is always set
    const complete = q.bytes - (this.#utf8?.pendingBytes ?? 0);
    if (complete <= max) return complete;
    const nl = q.lastIndexOf(NEWLINE, max >> 1, max);
    if (nl !== -1) return nl + 1;
    let cut = max;
    while (cut > 0 && !startsCharacter(q.byteAt(cut))) cut--;
    if (cut === 0) {
      cut = max;
      while (cut < complete && !startsCharacter(q.byteAt(cut))) cut++;
    }
    return cut;
  }

  /** Progress goes to an observer: one that throws is reported (`ERR_LISTENER` warning) and the pipe goes on. */
  #report(): void {
    if (this.#onProgress !== undefined) safeCall(this.#onProgress, { ...this.#progress });
  }
}

function encodeDocument(doc: unknown): Uint8Array {
  if (typeof doc !== 'object' || doc === null || ArrayBuffer.isView(doc)) {
    throw new ValidationError(`Documents mode takes objects or arrays (one JSON document per write), got ${describe(doc)}`, {
      code: 'ERR_INVALID_DOCUMENT',
    });
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(doc);
  } catch (cause) {
    throw new ValidationError(`Document is not serialisable to JSON: ${(cause as Error).message}`, { code: 'ERR_INVALID_DOCUMENT', cause });
  }
  if (json === undefined) throw new ValidationError('Document serialises to nothing', { code: 'ERR_INVALID_DOCUMENT' });
  // Stryker disable next-line StringLiteral: Buffer.from treats an empty encoding as 'utf8', its default
  return Buffer.from(json, 'utf8');
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
