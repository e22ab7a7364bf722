import { type IncomingMessage, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { EngineCore } from './core.js';
import { handleHttp } from './http/router.js';
import { startKeepalive } from './keepalive.js';
import { sendMalformed } from './malformed.js';
import { reapIdlePipes } from './pipes/process.js';
import { attachStore, detachStore } from './store/store.js';
import { startTools } from './tools/index.js';
import type { Engine, EngineOptions, PipeRecord, ReceivedRequest, TaskRecord } from './types.js';

/** Largest accepted frame, as uvicorn's `ws_max_size`. */
const MAX_PAYLOAD = 250 * 1024 * 1024;

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Starts a simulated RocketRide engine on a real socket. */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const host = options.host ?? '127.0.0.1';
  const core: EngineCore = new EngineCore(
    options,
    (kind) => {
      for (const conn of core.connections) sendMalformed(conn, kind);
    },
    (data, binary) => {
      for (const conn of core.connections) if (conn.isOpen) conn.ws.send(data, { binary });
    },
  );
  const timing = core.timing;
  const store = attachStore(core, options.storeDir);
  // permessage-deflate is negotiated only when the client offers it, as uvicorn does.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: true });
  const http = createServer((req, res) => {
    handleHttp(core, req, res).catch((err: unknown) => {
      core.log(`http: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    });
  });
  const stopKeepalive = new Map<Connection, () => void>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/task/service') return refuse(socket, '404 Not Found');
    const ip = req.socket.remoteAddress ?? '';
    const held = core.unauthenticated.get(ip) ?? 0;
    if (held >= core.maxUnauthenticatedPerIp) {
      core.log(`refusing a WebSocket from ${ip}: ${held} unauthenticated connections`);
      return refuse(socket, '403 Forbidden');
    }
    core.unauthenticated.set(ip, held + 1);
    let accepted = false;
    socket.once('close', () => {
      if (accepted) return;
      const n = (core.unauthenticated.get(ip) ?? 1) - 1;
      if (n <= 0) core.unauthenticated.delete(ip);
      else core.unauthenticated.set(ip, n);
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      const conn = new Connection(core, ws, ip);
      stopKeepalive.set(conn, startKeepalive(conn, timing.pingIntervalMs, timing.pongTimeoutMs));
      ws.once('close', () => {
        stopKeepalive.get(conn)?.();
        stopKeepalive.delete(conn);
      });
    });
  });

  const stopTools = startTools(core, options);
  const reaper = setInterval(() => reapIdlePipes(core, timing.reapIdleMs), timing.reapScanMs);
  const ttl = setInterval(() => core.registry.scan(Date.now(), timing.retentionMs), timing.ttlScanMs);
  reaper.unref();
  ttl.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    clearInterval(reaper);
    clearInterval(ttl);
    stopTools();
    await detachStore(core);
    throw err;
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    uri: `ws://${hostPart}:${port}/task/service`,
    httpUrl: `http://${hostPart}:${port}`,
    host,
    port,
    profile: core.profile,
    storeDir: store.dir,
    faults: core.faults,
    pipes(filter?: { token?: string }): PipeRecord[] {
      const all = core.pipeHistory.toArray().map((e) => e.record);
      return filter?.token === undefined ? all : all.filter((p) => p.token === filter.token);
    },
    tasks(): TaskRecord[] {
      return core.registry.list().map((t) => t.toRecord());
    },
    requests(): ReceivedRequest[] {
      return core.requestLog.toArray();
    },
    connectionCount(): number {
      return core.connections.size;
    },
    storeHandles() {
      return store.handleList();
    },
    monitorCount(): number {
      let n = 0;
      for (const c of core.connections) n += c.monitors.size;
      return n;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(reaper);
        clearInterval(ttl);
        for (const stop of stopKeepalive.values()) stop();
        stopKeepalive.clear();
        core.faults.reset();
        core.faults.dispose();
        for (const conn of [...core.connections]) conn.terminate();
        core.registry.dispose();
        await detachStore(core);
        stopTools();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
