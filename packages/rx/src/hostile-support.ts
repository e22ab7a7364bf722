/**
 * Test helpers (not exported from the package): a hostile engine on 127.0.0.1 that answers what the
 * streams need and pushes whatever event frames a test writes, and (core's) process guard that fails a
 * test after an uncaught exception, an unhandled rejection or an unreported listener error.
 */
import type { AddressInfo } from 'node:net';
import { RocketRideClient } from '@rocketride-streams/core';
import { afterEach } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';

/** The task the hostile engine runs: token `tk_ABCDEFGH…`, so its task id is `ABCDEFGH.s`. */
export const TOKEN = 'tk_ABCDEFGH12345678';
export const TASK_ID = 'ABCDEFGH.s';

export interface HostileEngine {
  uri: string;
  /** Sends raw text frames (events) to every client, in order. */
  push(...frames: string[]): void;
  /** Commands received, in order. */
  commands: string[];
  close(): Promise<void>;
}

/** Starts the engine: `auth`, `rrext_monitor`, `rrext_ping` succeed; the task status is a running task. */
export async function startHostileEngine(): Promise<HostileEngine> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  const commands: string[] = [];
  let seq = 0;
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data: Buffer) => {
      const req = JSON.parse(data.toString()) as { seq: number; command: string };
      commands.push(req.command);
      const reply = (body: Record<string, unknown>) =>
        ws.send(JSON.stringify({ type: 'response', seq: ++seq, request_seq: req.seq, command: req.command, success: true, body }));
      if (req.command === 'auth') reply({ userToken: 'K', userId: 'u' });
      else if (req.command === 'rrext_get_task_status') {
        reply({ __id: TASK_ID, name: 'task', project_id: 'p', source: 's', state: 3, completed: false });
      } else reply({});
    });
  });
  return {
    uri: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    push: (...frames) => {
      for (const ws of sockets) for (const f of frames) ws.send(f);
    },
    commands,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A hostile engine and a connected client per test, both closed after it. */
export function useHostileEngine() {
  const open: Array<{ engine: HostileEngine; client: RocketRideClient }> = [];
  afterEach(async () => {
    for (const { engine, client } of open.splice(0)) {
      await client.disconnect();
      await engine.close();
    }
  });
  return async () => {
    const engine = await startHostileEngine();
    // requestTimeout only bounds a broken test.
    const client = new RocketRideClient({ uri: engine.uri, auth: 'K', env: {}, requestTimeout: 5_000 });
    open.push({ engine, client });
    await client.connect();
    return { engine, client };
  };
}

/** An event frame with the raw JSON text of its body (`undefined`: no body at all). */
export const eventFrame = (event: string, body?: string) => `{"type":"event","seq":1,"event":"${event}"${body === undefined ? '' : `,"body":${body}`}}`;

// The process guard is core's (one copy for every package's hostile tests).
export { guardProcess } from '../../core/src/test-helpers/process-guard.js';
