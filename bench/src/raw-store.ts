/**
 * A minimal raw `ws` client for the file store (`rrext_store`), for baselines: the same frames as the
 * library (binary `fs_write` requests, binary `fs_read` responses split at the first 0x0A), any number of
 * requests outstanding, no validation, no bookkeeping beyond a map of waiters.
 */
import WebSocket from 'ws';

export interface RawStoreResponse {
  request_seq: number;
  success: boolean;
  body?: Record<string, unknown>;
  message?: string;
  /** The payload of a binary response (fs_read). */
  data?: Buffer;
}

export class RawStoreClient {
  private seq = 0;
  private readonly waiters = new Map<number, (r: RawStoreResponse) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let msg: RawStoreResponse;
      if (isBinary) {
        const nl = data.indexOf(0x0a);
        msg = JSON.parse(data.subarray(0, nl).toString('utf8')) as RawStoreResponse;
        msg.data = data.subarray(nl + 1);
      } else {
        msg = JSON.parse(data.toString('utf8')) as RawStoreResponse;
      }
      const w = this.waiters.get(msg.request_seq);
      if (w) {
        this.waiters.delete(msg.request_seq);
        w(msg);
      }
    });
  }

  static async connect(uri: string, apiKey: string): Promise<RawStoreClient> {
    const ws = new WebSocket(uri, { perMessageDeflate: false, maxPayload: 250 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new RawStoreClient(ws);
    const auth = await client.request('auth', { auth: apiKey });
    if (!auth.success) throw new Error(`raw auth failed: ${auth.message}`);
    return client;
  }

  request(command: string, args: Record<string, unknown>, payload?: Uint8Array): Promise<RawStoreResponse> {
    const seq = ++this.seq;
    const msg = JSON.stringify({ type: 'request', seq, command, arguments: args });
    if (payload === undefined) this.ws.send(msg);
    else this.ws.send(Buffer.concat([Buffer.from(`${msg}\n`), payload]), { binary: true });
    return new Promise((resolve) => this.waiters.set(seq, resolve));
  }

  async store(subcommand: string, args: Record<string, unknown>, payload?: Uint8Array): Promise<RawStoreResponse> {
    const r = await this.request('rrext_store', { subcommand, ...args }, payload);
    if (!r.success) throw new Error(`${subcommand}: ${r.message}`);
    return r;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
