/**
 * PROTOCOL.md §14 cases 53–54: WebSocket keepalive (§9), with §15.9.
 */
import { describe, expect, it } from 'vitest';
import { sleep, useEngine } from './helpers/env.js';

// Scaled: ping every 15 s → 200 ms; pong deadline 60 s → 800 ms.
const PING = 200;
const PONG_TIMEOUT = 800;

describe('keepalive', () => {
  const ctx = useEngine({ timing: { pingIntervalMs: PING, pongTimeoutMs: PONG_TIMEOUT } });

  it('§14.53 the server pings periodically (first ping one interval in, §15.9) and answers client pings', async () => {
    // Timers never fire early, so these bounds hold however loaded the machine is: the server accepts
    // the socket after `started`, so its first ping cannot come before started + PING, and no more
    // than one ping per elapsed interval can have been sent.
    const started = performance.now();
    const c = await ctx.connect();
    await sleep(PING * 6);
    const elapsed = performance.now() - started;
    expect(c.pings.length).toBeGreaterThanOrEqual(2);
    expect(c.pings.length, 'at most one ping per interval').toBeLessThanOrEqual(Math.floor(elapsed / PING));
    expect(c.pingTimes[0]! - started, 'no ping before the first interval has passed').toBeGreaterThanOrEqual(PING - 5);

    const pong = new Promise<Buffer>((resolve) => c.ws.once('pong', resolve));
    c.ws.ping(Buffer.from('are-you-there'));
    expect((await pong).toString()).toBe('are-you-there');
  });

  it('§14.54 a client that stops answering pings is dropped after the pong deadline; one that answers stays', async () => {
    const silent = await ctx.authed(undefined, { autoPong: false });
    const answering = await ctx.authed();
    await sleep(PONG_TIMEOUT / 2);
    expect(silent.isOpen, 'one missed pong is not yet fatal').toBe(true);
    await silent.waitClosed(PONG_TIMEOUT + PING * 5);
    expect(silent.pings.length, 'was pinged before being dropped').toBeGreaterThanOrEqual(2);
    await sleep(PONG_TIMEOUT);
    expect(answering.isOpen).toBe(true);
    expect((await answering.request('rrext_ping')).success).toBe(true);
  });
});
