import { encodeMessage, joinParts } from '@rocketride-streams/core';
import WebSocket from 'ws';

/** A raw-frame client for the simulator's own tests (not exported). */
export class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  private seq = 0;
  private readonly waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] =
    [];
  closed: Promise<{ code: number }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      this.frames.push(msg);
      for (const w of [...this.waiters]) {
        if (w.pred(msg)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code })));
  }

  static open(uri: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(uri);
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  static async authed(uri: string, key = 'K'): Promise<RawClient> {
    const c = await RawClient.open(uri);
    const r = await c.call('auth', { auth: key });
    if (r.success !== true) throw new Error(`auth failed: ${String(r.message)}`);
    return c;
  }

  /** Sends a request without waiting; returns its seq. */
  send(command: string, args: Record<string, unknown> = {}): number {
    const seq = ++this.seq;
    const enc = encodeMessage({ type: 'request', seq, command, arguments: args } as never);
    if (enc.binary) this.ws.send(joinParts(enc.parts), { binary: true });
    else this.ws.send(enc.text);
    return seq;
  }

  call(command: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const seq = this.send(command, args);
    return this.next((m) => m.type === 'response' && m.request_seq === seq);
  }

  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  events(name: string): Record<string, unknown>[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === name);
  }

  close(): void {
    this.ws.terminate();
  }
}

export { CHAT_PIPELINE, ECHO_PIPELINE } from './pipelines.js';
