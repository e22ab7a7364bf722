import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** What the hostile server does to the frame it is armed for, and from then on. */
export type HostileAction =
  /** Terminates both sockets without a close frame. */
  | { kind: 'cut' }
  /** Closes the client's socket with a close frame (code 1011). */
  | { kind: 'close' }
  /** Forwards nothing more in either direction; the sockets stay open (pings are still answered). */
  | { kind: 'stall' }
  /** Swallows that one frame. */
  | { kind: 'drop' }
  /** Replaces that one server frame with another (only for `down`). */
  | { kind: 'garble'; garble: (frame: Buffer, binary: boolean) => { data: string | Buffer; binary: boolean } };

export interface HostilePlan {
  /** `down`: frames from the engine to the client; `up`: from the client to the engine. */
  direction: 'down' | 'up';
  /** Which frame (0 = the first after arming, counting only frames `target` selects) the action hits. */
  at: number;
  /**
   * Counts only the frames about this `rrext_process` subcommand: the request itself (`up`) or the response
   * answering it (`down`). Default: every frame.
   */
  target?: 'open' | 'write' | 'close';
  action: HostileAction;
}

/**
 * A hostile server: a WebSocket proxy on 127.0.0.1 in front of the simulator, which forwards every
 * frame as it is until armed, then cuts, stalls, drops or garbles at the chosen frame. The simulator
 * behind it still records what reached it (inspection, SHA-256 of what was committed).
 */
export async function startHostileProxy(target: string) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();
  let plan: HostilePlan | undefined;
  const seen = { down: 0, up: 0 };
  let stalled = false;
  let fired = false;
  /** seq → subcommand of the `rrext_process` requests seen going up. */
  const subcommands = new Map<number, string>();

  const about = (direction: 'down' | 'up', data: Buffer, binary: boolean): string | undefined => {
    try {
      const end = binary ? data.indexOf(0x0a) : -1;
      const msg = JSON.parse(data.subarray(0, end >= 0 ? end : data.length).toString('utf8')) as Record<string, unknown>;
      if (direction === 'up') {
        const sub = (msg.arguments as { subcommand?: unknown } | undefined)?.subcommand;
        if (msg.command === 'rrext_process' && typeof sub === 'string' && typeof msg.seq === 'number') subcommands.set(msg.seq, sub);
        return typeof sub === 'string' ? sub : undefined;
      }
      return typeof msg.request_seq === 'number' ? subcommands.get(msg.request_seq) : undefined;
    } catch {
      return undefined;
    }
  };

  /** Decides what happens to one frame; returns what to forward (undefined: nothing). */
  const pass = (
    direction: 'down' | 'up',
    data: Buffer,
    binary: boolean,
    pair: { client: WebSocket; upstream: WebSocket },
  ): { data: string | Buffer; binary: boolean } | undefined => {
    if (stalled) return undefined;
    const sub = about(direction, data, binary);
    if (!plan || plan.direction !== direction || fired) return { data, binary };
    if (plan.target !== undefined && sub !== plan.target) return { data, binary };
    if (seen[direction]++ < plan.at) return { data, binary };
    fired = true;
    const action = plan.action;
    switch (action.kind) {
      case 'cut':
        pair.client.terminate();
        pair.upstream.terminate();
        return undefined;
      case 'close':
        pair.client.close(1011, 'hostile server');
        pair.upstream.terminate();
        return undefined;
      case 'stall':
        stalled = true;
        return undefined;
      case 'drop':
        return undefined;
      case 'garble':
        return action.garble(data, binary);
    }
  };

  wss.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const pair = { client, upstream };
    pairs.add(pair);
    const queued: { data: Buffer; binary: boolean }[] = [];
    upstream.on('open', () => {
      for (const q of queued.splice(0)) upstream.send(q.data, { binary: q.binary });
    });
    client.on('message', (data: Buffer, binary: boolean) => {
      const out = pass('up', data, binary, pair);
      if (!out) return;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(out.data, { binary: out.binary });
      else if (upstream.readyState === WebSocket.CONNECTING) queued.push({ data: Buffer.from(out.data), binary: out.binary });
    });
    upstream.on('message', (data: Buffer, binary: boolean) => {
      const out = pass('down', data, binary, pair);
      if (out && client.readyState === WebSocket.OPEN) client.send(out.data, { binary: out.binary });
    });
    const end = () => {
      pairs.delete(pair);
      if (!stalled) {
        client.terminate();
        upstream.terminate();
      }
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => {});
    upstream.on('error', () => client.terminate());
  });

  return {
    uri: `ws://127.0.0.1:${port}/task/service`,
    /** Arms the fault; frames are counted from now. */
    arm(next: HostilePlan): void {
      plan = next;
      seen.down = 0;
      seen.up = 0;
      fired = false;
      stalled = false;
    },
    /** Whether the armed fault has hit a frame yet. */
    get fired(): boolean {
      return fired;
    },
    /** Forwards normally again (a stall is lifted; frames held meanwhile are lost). */
    disarm(): void {
      plan = undefined;
      stalled = false;
    },
    /** Cuts every connection (e.g. to end a stall). */
    cutAll(): void {
      for (const p of pairs) {
        p.client.terminate();
        p.upstream.terminate();
      }
    },
    async close(): Promise<void> {
      for (const p of pairs) {
        p.client.terminate();
        p.upstream.terminate();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type HostileProxy = Awaited<ReturnType<typeof startHostileProxy>>;
