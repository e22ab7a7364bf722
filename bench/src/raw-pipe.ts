/**
 * The baseline for the data-plane benchmarks: a raw `ws` client that frames writes exactly as the
 * library does (JSON header, `\n`, payload, in one binary message) but never waits for an
 * acknowledgement before sending the next write. Only the socket's own backpressure (the send
 * callback) limits it. This is the upper bound for one pipe over one socket; the library, which
 * keeps one write in flight, is measured against it.
 */
import WebSocket from 'ws';

interface Reply {
  request_seq: number;
  success: boolean;
  body?: Record<string, unknown>;
  message?: string;
}

export class RawPipeClient {
  #seq = 0;
  readonly #waiting = new Map<number, (r: Reply) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as Reply & { type: string };
      if (msg.type !== 'response') return;
      const w = this.#waiting.get(msg.request_seq);
      if (w) {
        this.#waiting.delete(msg.request_seq);
        w(msg);
      }
    });
  }

  static async connect(uri: string, auth: string): Promise<RawPipeClient> {
    const ws = new WebSocket(uri, { perMessageDeflate: false, maxPayload: 250 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new RawPipeClient(ws);
    const r = await c.call('auth', { auth });
    if (!r.success) throw new Error(`auth failed: ${r.message}`);
    return c;
  }

  call(command: string, args: Record<string, unknown>): Promise<Reply> {
    const seq = ++this.#seq;
    this.ws.send(JSON.stringify({ type: 'request', seq, command, arguments: args }));
    return new Promise((resolve) => this.#waiting.set(seq, resolve));
  }

  /** Sends one write; resolves `sent` when the socket took it, `acked` when the engine answered. */
  write(token: string, pipeId: number, payload: Uint8Array): { sent: Promise<void>; acked: Promise<Reply> } {
    const seq = ++this.#seq;
    const header = Buffer.from(`${JSON.stringify({ type: 'request', seq, command: 'rrext_process', arguments: { subcommand: 'write', pipe_id: pipeId, token } })}\n`);
    const acked = new Promise<Reply>((resolve) => this.#waiting.set(seq, resolve));
    const sent = new Promise<void>((resolve, reject) => {
      this.ws.send(header, { binary: true, fin: false });
      this.ws.send(payload, { binary: true, fin: true }, (err) => (err ? reject(err) : resolve()));
    });
    return { sent, acked };
  }

  /** Streams every chunk of `source` into a new pipe without waiting for acknowledgements, then closes it. */
  async stream(token: string, source: AsyncIterable<Uint8Array>, object: Record<string, unknown>, mimeType: string): Promise<Reply> {
    const open = await this.call('rrext_process', { subcommand: 'open', object, mimeType, token });
    const pipeId = open.body?.pipe_id as number;
    const acks: Promise<Reply>[] = [];
    let unsent: Promise<void>[] = [];
    for await (const chunk of source) {
      const w = this.write(token, pipeId, chunk);
      acks.push(w.acked);
      unsent.push(w.sent);
      // Socket backpressure only: at most 16 writes handed to ws and not yet on the socket.
      if (unsent.length >= 16) {
        await Promise.all(unsent);
        unsent = [];
      }
    }
    for (const r of await Promise.all(acks)) if (!r.success) throw new Error(`raw write failed: ${r.message}`);
    return this.call('rrext_process', { subcommand: 'close', pipe_id: pipeId, token });
  }

  /**
   * The same contract as the library's sink, written by hand: one write in flight, and what the source
   * yields meanwhile is held and sent as the next write (fragments of one binary message, never
   * concatenated), up to `maxWrite` bytes held before the source is paused.
   */
  async streamOneInFlight(token: string, source: AsyncIterable<Uint8Array>, object: Record<string, unknown>, mimeType: string, maxWrite = 4 * 1024 * 1024): Promise<Reply> {
    const open = await this.call('rrext_process', { subcommand: 'open', object, mimeType, token });
    const pipeId = open.body?.pipe_id as number;
    let held: Uint8Array[] = [];
    let heldBytes = 0;
    let busy = false;
    let current: Promise<void> = Promise.resolve();
    const flush = () => {
      const parts = held;
      held = [];
      heldBytes = 0;
      busy = true;
      current = this.writeParts(token, pipeId, parts).then((r) => {
        if (!r.success) throw new Error(`raw write failed: ${r.message}`);
        busy = false;
      });
    };
    for await (const chunk of source) {
      held.push(chunk);
      heldBytes += chunk.byteLength;
      if (!busy) flush();
      else if (heldBytes >= maxWrite) {
        await current;
        flush();
      }
    }
    await current;
    if (held.length > 0) {
      flush();
      await current;
    }
    return this.call('rrext_process', { subcommand: 'close', pipe_id: pipeId, token });
  }

  /** One write whose payload is `parts`, sent as fragments of one binary message; resolves on its ack. */
  writeParts(token: string, pipeId: number, parts: readonly Uint8Array[]): Promise<Reply> {
    const seq = ++this.#seq;
    const header = Buffer.from(`${JSON.stringify({ type: 'request', seq, command: 'rrext_process', arguments: { subcommand: 'write', pipe_id: pipeId, token } })}\n`);
    const acked = new Promise<Reply>((resolve) => this.#waiting.set(seq, resolve));
    this.ws.send(header, { binary: true, fin: false });
    for (let i = 0; i < parts.length; i++) this.ws.send(parts[i]!, { binary: true, fin: i === parts.length - 1 });
    return acked;
  }

  close(): void {
    this.ws.close();
  }
}
