/**
 * A minimal acking server for client-cost benchmarks: just enough of the protocol for a pipe
 * (`auth`, `execute`, `rrext_process` open/write/close, `rrext_ping`), no simulator logic. It answers
 * every request at once and hashes each pipe's payload (SHA-256), so the server's own cost stays far
 * below the client's and the client becomes the bottleneck. Run it in its own process:
 * `node dist/ack-server.js` prints `PORT <n>` on stdout once listening on 127.0.0.1.
 */
import { createHash, type Hash } from 'node:crypto';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

interface Request {
  seq: number;
  command: string;
  arguments?: Record<string, unknown>;
}

function serve(ws: WebSocket): void {
  const pipes = new Map<number, { hash: Hash; size: number }>();
  let nextPipe = 1;
  let seq = 0;
  const reply = (request: Request, body?: Record<string, unknown>) => {
    const message: Record<string, unknown> = { type: 'response', seq: ++seq, request_seq: request.seq, command: request.command, success: true };
    if (body !== undefined) message.body = body;
    ws.send(JSON.stringify(message));
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let payload: Buffer | undefined;
    let header = data;
    if (isBinary) {
      const nl = data.indexOf(0x0a);
      header = data.subarray(0, nl);
      payload = data.subarray(nl + 1);
    }
    const request = JSON.parse(header.toString('utf8')) as Request;
    const args = request.arguments ?? {};
    if (request.command === 'auth') return reply(request, { userId: 'bench', userToken: '' });
    if (request.command === 'execute') return reply(request, { token: String(args.token ?? 'BENCH') });
    if (request.command !== 'rrext_process') return reply(request);
    if (args.subcommand === 'open') {
      const id = nextPipe++;
      pipes.set(id, { hash: createHash('sha256'), size: 0 });
      return reply(request, { pipe_id: id });
    }
    const pipe = pipes.get(args.pipe_id as number);
    if (pipe === undefined) return ws.send(JSON.stringify({ type: 'response', request_seq: request.seq, command: request.command, success: false, message: 'no such pipe' }));
    if (args.subcommand === 'write') {
      if (payload !== undefined) {
        pipe.hash.update(payload);
        pipe.size += payload.byteLength;
      }
      return reply(request);
    }
    pipes.delete(args.pipe_id as number);
    return reply(request, { name: 'object', size: pipe.size, sha256: pipe.hash.digest('hex') });
  });
}

/** An ack server running in a child process. */
export interface AckServer {
  uri: string;
  stop(): Promise<void>;
}

/**
 * BENCH_PIN=1 (Linux, `taskset`, 2+ CPUs): this process (the clients) on CPU 0 and the ack server on CPU 1, so
 * the two stop competing for the same cores and the client's own cost is what varies. Returns whether it pinned.
 */
export function pinClientAndServer(): boolean {
  if (process.env.BENCH_PIN !== '1' || availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;
}

export async function startAckServer(pinned = false): Promise<AckServer> {
  const script = [fileURLToPath(import.meta.url), '--serve'];
  const child: ChildProcess = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...script], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, script, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`ack server exited with ${code}`)));
  });
  return {
    uri: `ws://127.0.0.1:${port}/task/service`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

if (process.argv[2] === '--serve') {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  wss.on('connection', serve);
  wss.on('listening', () => {
    const address = wss.address();
    if (address !== null && typeof address === 'object') process.stdout.write(`PORT ${address.port}\n`);
  });
}
