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

export const ECHO_PIPELINE = {
  components: [
    {
      id: 'webhook_1',
      provider: 'webhook',
      name: 'My webhook',
      config: { hideForm: true, mode: 'Source', type: 'webhook' },
    },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'text', from: 'webhook_1' }] },
  ],
  source: 'webhook_1',
  project_id: 'e612b741-748c-4b35-a8b7-186797a8ea42',
};

export const CHAT_PIPELINE = {
  components: [
    { id: 'chat_1', provider: 'chat', config: { mode: 'Source', type: 'chat' } },
    { id: 'llm_1', provider: 'llm_echo', config: {}, input: [{ lane: 'questions', from: 'chat_1' }] },
    { id: 'response_1', provider: 'response', config: { lanes: [] }, input: [{ lane: 'answers', from: 'llm_1' }] },
  ],
  source: 'chat_1',
  project_id: 'c0ffee00-0000-4000-8000-000000000001',
};
