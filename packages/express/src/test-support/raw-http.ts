import { connect, type Socket } from 'node:net';

/** An HTTP answer read off a raw socket. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request on a raw TCP socket, for what `fetch` cannot do: send fewer bytes than the
 * `Content-Length` it announced, half-close the connection mid-body, or reset it.
 */
export class RawRequest {
  readonly #socket: Socket;
  readonly #received: Buffer[] = [];
  readonly #closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#received.push(chunk));
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {}); // a reset shows as 'close'
  }

  /** Connects to `base` (`http://127.0.0.1:port`) and sends the request line (`method`, default POST) and headers. */
  static async open(base: string, path: string, headers: Record<string, string | number>, method = 'POST'): Promise<RawRequest> {
    const { hostname, port } = new URL(base);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return new RawRequest(socket);
  }

  write(data: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Half-closes: no more bytes from the client, which still reads the answer. */
  endBody(): void {
    this.#socket.end();
  }

  /** Cuts the connection with a TCP reset (a crashed client, a dropped network). */
  reset(): void {
    this.#socket.resetAndDestroy();
  }

  /** Whatever was received before the server closed the connection (nothing, after a reset). */
  async response(): Promise<RawResponse | undefined> {
    await this.#closed;
    const raw = Buffer.concat(this.#received).toString('latin1');
    if (raw.length === 0) return undefined;
    const [head = '', ...rest] = raw.split('\r\n\r\n');
    const [statusLine = '', ...headerLines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return { status: Number(statusLine.split(' ')[1]), headers, body: Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8') };
  }
}
