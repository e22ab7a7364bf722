import WebSocket from 'ws';

/** Any decoded server message. The suite checks shapes itself, so fields stay loosely typed. */
// biome-ignore lint/suspicious/noExplicitAny: raw frames are inspected field by field in the tests
export type Msg = Record<string, any>;

/** One frame received from the server, in arrival order. */
export interface Frame {
  /** Position in {@link RawClient.frames}. */
  readonly index: number;
  readonly binary: boolean;
  /** The frame exactly as received (text frames as a string). */
  readonly raw: string | Buffer;
  /** The decoded message; `undefined` when the frame was not valid JSON. */
  readonly msg: Msg | undefined;
  /** Arrival time (`performance.now()`), for the few cases about pacing. */
  readonly at: number;
}

export interface CallResult {
  readonly response: Msg;
  /** Every other frame that arrived between sending the request and its response, in order. */
  readonly seen: Frame[];
}

type Predicate = (msg: Msg, frame: Frame) => boolean;

interface Waiter {
  readonly from: number;
  readonly pred: Predicate;
  readonly resolve: (f: Frame) => void;
}

const NEWLINE = Buffer.from([0x0a]);

/** Builds ONE binary frame per PROTOCOL.md §3.2: single-line JSON header, `0x0A`, payload bytes. */
export function binaryFrame(header: object, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return Buffer.concat([Buffer.from(JSON.stringify(header), 'utf8'), NEWLINE, bytes]);
}

/** Decodes a server frame: text is one JSON document; binary splits at the first `0x0A` (§3.2). */
function decode(raw: string | Buffer, binary: boolean): Msg | undefined {
  try {
    if (!binary) return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    const buf = raw as Buffer;
    const nl = buf.indexOf(0x0a);
    if (nl === -1) return JSON.parse(buf.toString('utf8'));
    const msg = JSON.parse(buf.subarray(0, nl).toString('utf8'));
    msg.arguments = { ...(msg.arguments ?? {}), data: buf.subarray(nl + 1) };
    return msg;
  } catch {
    return undefined;
  }
}

/**
 * A bare WebSocket peer that speaks the wire protocol frame by frame: no client library, no
 * retries, nothing hidden. Every received frame is logged in {@link frames}.
 */
export class RawClient {
  readonly frames: Frame[] = [];
  /** Payloads of the WebSocket pings received from the server. */
  readonly pings: Buffer[] = [];
  /** `performance.now()` at each ping received, parallel to `pings`. */
  readonly pingTimes: number[] = [];
  /** Resolves when the socket closes, with the close code and reason seen by the client. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<Waiter>();
  private seq = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const raw = isBinary ? buf : buf.toString('utf8');
      const frame: Frame = { index: this.frames.length, binary: isBinary, raw, msg: decode(raw, isBinary), at: performance.now() };
      this.frames.push(frame);
      for (const w of this.waiters) {
        if (frame.index >= w.from && frame.msg !== undefined && w.pred(frame.msg, frame)) {
          this.waiters.delete(w);
          w.resolve(frame);
        }
      }
    });
    ws.on('ping', (data: Buffer) => {
      this.pings.push(data);
      this.pingTimes.push(performance.now());
    });
    // Errors after the upgrade show up as a close; keep them from becoming unhandled events.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }));
    });
  }

  /** Opens a WebSocket to `uri`; rejects if the upgrade does not complete. */
  static connect(uri: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(uri, { perMessageDeflate: false, ...options });
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { statusCode: res.statusCode }));
        ws.terminate();
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `obj` as one JSON text frame, exactly as given (no seq added). */
  send(obj: unknown): void {
    this.ws.send(JSON.stringify(obj));
  }

  /** Sends an arbitrary string as a text frame (e.g. malformed JSON). */
  sendText(text: string): void {
    this.ws.send(text);
  }

  /** Sends `header` + `0x0A` + `payload` as ONE binary frame (§3.2). */
  sendBinary(header: object, payload: Uint8Array | string): void {
    this.ws.send(binaryFrame(header, payload), { binary: true });
  }

  /** Takes the next client seq (for hand-built frames). */
  nextSeq(): number {
    return this.seq++;
  }

  /**
   * Sends a request with the next seq and waits for the response whose `request_seq` matches.
   * When `args.data` is present the request travels as one binary frame (§3.2 sender rule).
   */
  async call(command: string, args?: Record<string, unknown>, timeoutMs = 3000): Promise<CallResult> {
    const seq = this.nextSeq();
    const from = this.frames.length;
    const pending = this.next((m) => m.type === 'response' && m.request_seq === seq, timeoutMs, from);
    if (args && Object.hasOwn(args, 'data')) {
      const { data, ...rest } = args;
      this.sendBinary({ type: 'request', seq, command, arguments: rest }, data as Uint8Array | string);
    } else {
      this.send(args === undefined ? { type: 'request', seq, command } : { type: 'request', seq, command, arguments: args });
    }
    const frame = await pending;
    const seen = this.frames.slice(from, frame.index).filter((f) => !(f.msg?.type === 'response' && f.msg.request_seq === seq));
    return { response: frame.msg!, seen };
  }

  /** {@link call}, returning only the response. */
  async request(command: string, args?: Record<string, unknown>, timeoutMs = 3000): Promise<Msg> {
    return (await this.call(command, args, timeoutMs)).response;
  }

  /**
   * Resolves with the first frame at index `from` or later whose message matches `pred`, waiting
   * up to `timeoutMs` for it to arrive; rejects with a description of what did arrive otherwise.
   */
  next(pred: Predicate, timeoutMs = 3000, from = 0): Promise<Frame> {
    for (let i = from; i < this.frames.length; i++) {
      const f = this.frames[i]!;
      if (f.msg !== undefined && pred(f.msg, f)) return Promise.resolve(f);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const got = this.frames.slice(from).map((f) => (typeof f.raw === 'string' ? f.raw : `<binary ${f.raw.length} B>`));
        reject(new Error(`no matching frame within ${timeoutMs} ms; frames since #${from}: ${got.join(' | ') || '(none)'}`));
      }, timeoutMs);
      const waiter: Waiter = {
        from,
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** True when no frame matching `pred` (at index `from` or later) arrives within `ms`. */
  async quietFor(ms: number, pred: Predicate = () => true, from = this.frames.length): Promise<boolean> {
    try {
      await this.next(pred, ms, from);
      return false;
    } catch {
      return true;
    }
  }

  /** All event messages received so far, optionally only those named `name`. */
  events(name?: string): Msg[] {
    return this.frames
      .map((f) => f.msg)
      .filter((m): m is Msg => m?.type === 'event' && (name === undefined || m.event === name));
  }

  /** Waits for the close, up to `timeoutMs`. */
  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the socket (terminates it if the close handshake does not finish quickly). */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    const done = await Promise.race([this.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 500))]);
    if (!done) this.ws.terminate();
  }
}
