import type { FaultControls, MalformedKind, ReceivedRequest, RequestMatcher } from './types.js';

interface ResponseRule {
  kind: 'delay' | 'withhold';
  match: RequestMatcher;
  ms: number;
  remaining: number;
}

/** What to do with a response. */
export interface ResponsePlan {
  withhold: boolean;
  delayMs: number;
}

function matches(match: RequestMatcher, req: ReceivedRequest): boolean {
  if (typeof match === 'function') return match(req);
  const command = typeof req.command === 'string' ? req.command : '';
  const sub = req.arguments.subcommand;
  return match === command || (typeof sub === 'string' && match === `${command}:${sub}`);
}

/** Fault state shared by the connections and handlers, and the public {@link FaultControls}. */
export class Faults implements FaultControls {
  ackDelayMs: number;
  writeJitterMs: number;
  eventLagMs: number;
  private readonly lagged = new Set<NodeJS.Timeout>();
  /** Message of the simulated pipeline failure, when on. */
  pipelineFailure: string | undefined;
  private rules: ResponseRule[] = [];
  private framesLeft: number | undefined;
  private bytesLeft: number | undefined;
  private stalled = false;
  private stallWaiters: (() => void)[] = [];

  constructor(
    private readonly defaults: { ackDelayMs: number; writeJitterMs: number; eventLagMs: number },
    private readonly pushMalformed: (kind: MalformedKind) => void,
    private readonly pushFrame: (data: string | Buffer, binary: boolean) => void = () => {},
  ) {
    this.ackDelayMs = defaults.ackDelayMs;
    this.writeJitterMs = defaults.writeJitterMs;
    this.eventLagMs = defaults.eventLagMs;
  }

  delayResponse(match: RequestMatcher, ms: number, opts: { times?: number } = {}): void {
    this.rules.push({ kind: 'delay', match, ms, remaining: opts.times ?? Number.POSITIVE_INFINITY });
  }

  withholdResponse(match: RequestMatcher, opts: { times?: number } = {}): void {
    this.rules.push({ kind: 'withhold', match, ms: 0, remaining: opts.times ?? Number.POSITIVE_INFINITY });
  }

  closeAfterFrames(n: number): void {
    this.framesLeft = Math.max(1, Math.floor(n));
  }

  closeAfterBytes(n: number): void {
    this.bytesLeft = Math.max(1, Math.floor(n));
  }

  sendMalformed(kind: MalformedKind): void {
    this.pushMalformed(kind);
  }

  sendFrame(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.pushFrame(data, options.binary ?? Buffer.isBuffer(data));
  }

  stallOpen(on: boolean): void {
    this.stalled = on;
    if (!on) for (const w of this.stallWaiters.splice(0)) w();
  }

  setAckDelay(ms: number): void {
    this.ackDelayMs = Math.max(0, ms);
  }

  setWriteJitter(ms: number): void {
    this.writeJitterMs = Math.max(0, ms);
  }

  setEventLag(ms: number): void {
    this.eventLagMs = Math.max(0, ms);
  }

  /** Runs `emit` now, or after a random 0..eventLagMs delay when an event lag is set. */
  deferEvent(emit: () => void): void {
    if (this.eventLagMs <= 0) {
      emit();
      return;
    }
    const timer = setTimeout(() => {
      this.lagged.delete(timer);
      emit();
    }, Math.random() * this.eventLagMs);
    this.lagged.add(timer);
  }

  /** Drops the events still waiting for their lag (engine close). */
  dispose(): void {
    for (const t of this.lagged) clearTimeout(t);
    this.lagged.clear();
  }

  failPipeline(on: boolean, message = 'Simulated pipeline failure'): void {
    this.pipelineFailure = on ? message : undefined;
  }

  reset(): void {
    this.rules = [];
    this.framesLeft = undefined;
    this.bytesLeft = undefined;
    this.stallOpen(false);
    this.ackDelayMs = this.defaults.ackDelayMs;
    this.writeJitterMs = this.defaults.writeJitterMs;
    this.eventLagMs = this.defaults.eventLagMs;
    this.pipelineFailure = undefined;
  }

  /** Counts one received frame carrying `payloadBytes`; true when the connection must be terminated now. */
  onFrame(payloadBytes: number): boolean {
    let cut = false;
    if (this.framesLeft !== undefined && --this.framesLeft <= 0) {
      this.framesLeft = undefined;
      cut = true;
    }
    if (this.bytesLeft !== undefined && payloadBytes > 0) {
      this.bytesLeft -= payloadBytes;
      if (this.bytesLeft <= 0) {
        this.bytesLeft = undefined;
        cut = true;
      }
    }
    return cut;
  }

  /** Decides how the response to `req` goes out, consuming the matching rules' counts. */
  planResponse(req: ReceivedRequest): ResponsePlan {
    const plan: ResponsePlan = { withhold: false, delayMs: 0 };
    if (this.rules.length === 0) return plan;
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, req)) continue;
      rule.remaining--;
      if (rule.kind === 'withhold') plan.withhold = true;
      else plan.delayMs += rule.ms;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return plan;
  }

  /** Resolves when `open` may proceed. */
  openGate(): Promise<void> {
    if (!this.stalled) return Promise.resolve();
    return new Promise((resolve) => this.stallWaiters.push(resolve));
  }
}
