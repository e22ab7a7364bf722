import { decodeFrame } from '@rocketride-streams/core';
import type { WebSocket } from 'ws';
import type { EngineCore } from './core.js';
import { isObject } from './util.js';
import { dispatch } from './dispatch.js';
import { EngineFailure, toFailure } from './failure.js';
import type { Subscriber, TaskScope } from './monitor/hub.js';
import { BinaryBody } from './store/binary-reply.js';
import { storeConnectionClosed } from './store/store.js';
import type { ReceivedRequest } from './types.js';

let nextConnectionId = 1;

/** Task lock of a `tk_`/`pk_` credential. */
export interface CredentialLock {
  kind: 'tk' | 'pk';
  token: string;
}

/** How long a closing connection waits for in-flight handlers before closing anyway. */
const DRAIN_LIMIT_MS = 2_000;

/** One `/task/service` WebSocket connection. */
export class Connection implements Subscriber {
  readonly id = nextConnectionId++;
  readonly monitors = new Map<string, number>();
  authenticated = false;
  authAttempts = 0;
  credential = '';
  lock: CredentialLock | undefined;
  clientName = '';
  clientVersion = '';
  lastPong = Date.now();
  /** Epoch seconds of the upgrade, and of the last frame received (`rrext_dashboard`). */
  readonly connectedAt = Date.now() / 1000;
  lastActivity = this.connectedAt;
  /** Frames decoded from the client, and frames sent to it (`rrext_dashboard`). */
  messagesIn = 0;
  messagesOut = 0;
  private seq = 0;
  private holdsUnauthSlot = true;
  private closing = false;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    readonly core: EngineCore,
    readonly ws: WebSocket,
    readonly ip: string,
  ) {
    core.connections.add(this);
    core.hub.add(this);
    ws.on('message', (data, isBinary) => this.onFrame(data as Buffer | Buffer[], isBinary));
    ws.on('pong', () => {
      this.lastPong = Date.now();
    });
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => core.log(`connection ${this.id}: socket error ${err.message}`));
    core.dashboard('connection_added', { connectionId: this.id });
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one message with the next server seq, as single-line JSON in a text frame. */
  send(msg: Record<string, unknown>): void {
    if (!this.isOpen) return;
    this.messagesOut++;
    this.ws.send(JSON.stringify({ ...msg, seq: ++this.seq }));
  }

  /** Consumes a seq number for a frame the caller builds itself (fault injection). */
  nextSeq(): number {
    return ++this.seq;
  }

  sendEvent(event: string, body: Record<string, unknown>): void {
    this.send({ type: 'event', event, body });
  }

  access(task: TaskScope): 'all' | 'sse' | 'none' {
    if (!this.authenticated) return 'none';
    if (!this.lock) return 'all';
    if (this.lock.token !== task.token) return 'none';
    return this.lock.kind === 'pk' ? 'sse' : 'all';
  }

  /** Marks the connection authenticated and frees its unauthenticated slot. */
  setAuthenticated(credential: string, lock: CredentialLock | undefined): void {
    this.authenticated = true;
    this.credential = credential;
    this.lock = lock;
    this.releaseUnauthSlot();
  }

  /** `deauth`: back to unauthenticated, taking an unauthenticated slot again. */
  setUnauthenticated(): void {
    this.authenticated = false;
    this.lock = undefined;
    if (!this.holdsUnauthSlot) {
      this.holdsUnauthSlot = true;
      this.core.unauthenticated.set(this.ip, (this.core.unauthenticated.get(this.ip) ?? 0) + 1);
    }
  }

  /** Stops handling frames, lets in-flight handlers finish (bounded), then closes with code 1000. */
  shutdown(): void {
    if (this.closing) return;
    this.closing = true;
    setTimeout(() => this.closeNow(), DRAIN_LIMIT_MS).unref();
    // The handler that called this is still in flight; it closes the socket when it settles.
  }

  private closeNow(): void {
    if (this.isOpen) this.ws.close(1000);
  }

  /** Drops the socket without a close frame. */
  terminate(): void {
    this.closing = true;
    this.ws.terminate();
  }

  private onFrame(raw: Buffer | Buffer[], isBinary: boolean): void {
    if (this.closing) return;
    const decoded = decodeFrame(raw, isBinary, { validate: false });
    const payload = decoded.ok ? (decoded.message as { arguments?: { data?: unknown } }).arguments?.data : undefined;
    const payloadBytes = Buffer.isBuffer(payload) ? payload.length : 0;
    if (this.core.faults.onFrame(payloadBytes)) {
      this.core.log(`connection ${this.id}: terminated by fault injection`);
      this.terminate();
      return;
    }
    if (!decoded.ok) {
      this.core.log(`connection ${this.id}: dropped frame: ${decoded.error.message}`);
      return;
    }
    const msg = decoded.message as unknown as Record<string, unknown>;
    this.messagesIn++;
    this.lastActivity = Date.now() / 1000;
    const entry = this.core.logRequest(this.id, msg);
    const command = msg.command;
    if (!this.authenticated) {
      const isPublic =
        msg.type === 'request' && (command === 'auth' || (typeof command === 'string' && command.startsWith('rrext_public_')));
      if (!isPublic) {
        this.track(this.reply(msg, entry, new EngineFailure('Not authenticated', { file: 'task_conn.py', lineno: 287, disconnect: true })));
        return;
      }
    } else if (msg.type !== 'request') {
      return;
    }
    this.track(this.run(msg, entry));
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      if (this.closing && this.inflight.size === 0) this.closeNow();
    });
  }

  private async run(msg: Record<string, unknown>, entry: ReceivedRequest): Promise<void> {
    let outcome: Record<string, unknown> | undefined | EngineFailure;
    try {
      const args = isObject(msg.arguments) ? msg.arguments : {};
      outcome = await dispatch({ core: this.core, conn: this, msg, args });
    } catch (err) {
      outcome = toFailure(err);
    }
    await this.reply(msg, entry, outcome);
  }

  /** Sends the response of `msg`, through the response faults. */
  private async reply(
    msg: Record<string, unknown>,
    entry: ReceivedRequest,
    outcome: Record<string, unknown> | undefined | EngineFailure,
  ): Promise<void> {
    const plan = this.core.faults.planResponse(entry);
    if (plan.withhold) return;
    if (plan.delayMs > 0) await new Promise((r) => setTimeout(r, plan.delayMs));
    const head = {
      type: 'response',
      request_seq: msg.seq ?? null,
      command: msg.command ?? null,
    };
    if (outcome instanceof EngineFailure) {
      if (outcome.side === 'subprocess' && this.core.profile === 'head') {
        this.send({ ...head, success: true });
        return;
      }
      this.send({ ...head, success: false, message: outcome.message, trace: { file: outcome.file, lineno: outcome.lineno } });
      if (outcome.disconnect) this.shutdown();
      return;
    }
    if (outcome instanceof BinaryBody) {
      // The fs_read response: one binary frame (PROTOCOL.md §16.C).
      if (this.isOpen) this.ws.send(outcome.frame(this.nextSeq(), head.request_seq, head.command), { binary: true });
      return;
    }
    this.send(outcome === undefined ? { ...head, success: true } : { ...head, success: true, body: outcome });
  }

  private releaseUnauthSlot(): void {
    if (!this.holdsUnauthSlot) return;
    this.holdsUnauthSlot = false;
    const n = (this.core.unauthenticated.get(this.ip) ?? 1) - 1;
    if (n <= 0) this.core.unauthenticated.delete(this.ip);
    else this.core.unauthenticated.set(this.ip, n);
  }

  private onClosed(): void {
    this.closing = true;
    this.releaseUnauthSlot();
    this.monitors.clear();
    this.core.hub.remove(this);
    this.core.connections.delete(this);
    storeConnectionClosed(this);
    this.core.dashboard('connection_removed', {
      connectionId: this.id,
      clientName: this.clientName,
      clientVersion: this.clientVersion,
    });
  }
}
