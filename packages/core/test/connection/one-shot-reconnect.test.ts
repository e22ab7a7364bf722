import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT_PIPELINE, ECHO_PIPELINE, type Engine, startEngine } from '@rocketride-streams/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { DAPResponse } from '../../src/codec/types.js';
import type { RequestOptions } from '../../src/config/options.js';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { RocketRideClient } from '../../src/client/client.js';

/**
 * A client whose caller is slow to take one pipe reply: the reply to the first `rrext_process`
 * request with subcommand `holdAfter` is handed back only once the engine dropped the socket and the
 * client reconnected (persist mode). Sockets, engine and reconnect are all real; this only stretches
 * the gap between one step of send()/chat()/sendFiles() and the next, which a busy process can do.
 */
class SlowCaller extends RocketRideClient {
  holdAfter: string | undefined;
  engine: Engine | undefined;

  override request<B = Record<string, unknown>>(
    command: string,
    args?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<DAPResponse<B>> {
    const reply = super.request<B>(command, args, options);
    if (command !== 'rrext_process' || args?.subcommand !== this.holdAfter) return reply;
    this.holdAfter = undefined;
    return reply.then(async (response) => {
      await this.reconnect();
      return response;
    });
  }

  private async reconnect(): Promise<void> {
    const generation = this.generation;
    this.engine!.faults.closeAfterFrames(1);
    await this.ping().catch(() => {});
    for (let i = 0; i < 500 && !(this.generation > generation && this.isConnected()); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    if (this.generation === generation) throw new Error('the client did not reconnect');
  }
}

let engine: Engine | undefined;
let client: SlowCaller | undefined;
let dir: string | undefined;
afterEach(async () => {
  await client?.disconnect();
  await engine?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  client = undefined;
  engine = undefined;
  dir = undefined;
});

async function setup(pipeline: Record<string, unknown>, token: string): Promise<{ engine: Engine; client: SlowCaller }> {
  engine = await startEngine({ apiKey: 'K' });
  client = new SlowCaller({ uri: engine.uri, auth: 'K', env: {}, persist: true, reconnectDelay: 5, maxReconnectDelay: 5 });
  client.engine = engine;
  await client.connect();
  await client.use({ pipeline, token });
  return { engine, client };
}

/** The pipe requests (`subcommand`s) the engine received after the last auth, i.e. on the new connection. */
function pipeRequestsSinceReconnect(e: Engine): unknown[] {
  const all = e.requests();
  const lastAuth = all.map((r) => r.command).lastIndexOf('auth');
  return all.slice(lastAuth + 1).filter((r) => r.command === 'rrext_process').map((r) => r.arguments.subcommand);
}

describe('send(), chat() and sendFiles() across a reconnect (persist mode)', () => {
  for (const step of ['open', 'write'] as const) {
    it(`send(): a reconnect after ${step} fails with ERR_CONNECTION_LOST and sends nothing more`, async () => {
      const { engine: e, client: c } = await setup(ECHO_PIPELINE, 'send-rc');
      c.holdAfter = step;
      const error = (await c.send('send-rc', 'hello', { name: 'a.txt' }).catch((x: unknown) => x)) as ConnectionError;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe('ERR_CONNECTION_LOST');
      expect(c.isConnected()).toBe(true);
      expect(pipeRequestsSinceReconnect(e)).toEqual([]);
    });
  }

  it('chat(): a reconnect after open fails with ERR_CONNECTION_LOST and sends nothing more', async () => {
    const { engine: e, client: c } = await setup(CHAT_PIPELINE, 'chat-rc');
    c.holdAfter = 'open';
    const error = (await c.chat({ token: 'chat-rc', question: 'hi' }).catch((x: unknown) => x)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ERR_CONNECTION_LOST');
    expect(pipeRequestsSinceReconnect(e)).toEqual([]);
  });

  it('sendFiles(): a reconnect between writes fails that file with ERR_CONNECTION_LOST; nothing more is sent', async () => {
    const { engine: e, client: c } = await setup(ECHO_PIPELINE, 'files-rc');
    dir = await mkdtemp(join(tmpdir(), 'rr-files-rc-'));
    const path = join(dir, 'big.txt');
    await writeFile(path, Buffer.alloc(3 * 64 * 1024, 0x61)); // three 64 KiB chunks: three writes
    c.holdAfter = 'write';
    const [result] = await c.sendFiles([path], 'files-rc', { chunkSize: 64 * 1024 });
    expect(result!.action).toBe('error');
    expect(result!.bytes_sent).toBe(64 * 1024);
    expect(result!.error).toMatch(/connection this pipe was opened on was lost/);
    expect(pipeRequestsSinceReconnect(e)).toEqual([]);
  });
});
