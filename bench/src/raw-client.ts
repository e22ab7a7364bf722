/**
 * A minimal raw `ws` client speaking the same frames as the library, for baselines: sequential
 * requests only (one outstanding at a time), no validation, no bookkeeping beyond one waiter.
 */
import WebSocket from 'ws';

export interface RawResponse {
  type: string;
  request_seq: number;
  success: boolean;
  body?: Record<string, unknown>;
  message?: string;
}

export class RawClient {
  private seq = 0;
  private waiter: ((r: RawResponse) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as RawResponse;
      if (msg.type === 'response' && msg.request_seq === this.seq && this.waiter !== undefined) {
        const w = this.waiter;
        this.waiter = undefined;
        w(msg);
      }
    });
  }

  static async connect(uri: string, apiKey: string): Promise<RawClient> {
    const ws = new WebSocket(uri, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new RawClient(ws);
    const auth = await client.call('auth', { auth: apiKey });
    if (!auth.success) throw new Error(`raw auth failed: ${auth.message}`);
    return client;
  }

  /** One text request; resolves with its response. */
  call(command: string, args?: Record<string, unknown>): Promise<RawResponse> {
    const seq = ++this.seq;
    const msg = args === undefined ? { type: 'request', seq, command } : { type: 'request', seq, command, arguments: args };
    this.ws.send(JSON.stringify(msg));
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** One binary request: JSON header, `\n`, payload; resolves with its response. */
  callBinary(command: string, args: Record<string, unknown>, payload: Uint8Array): Promise<RawResponse> {
    const seq = ++this.seq;
    const header = Buffer.from(`${JSON.stringify({ type: 'request', seq, command, arguments: args })}\n`);
    this.ws.send(Buffer.concat([header, payload]), { binary: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
