import { startTestSession } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { RocketRideError } from '../../src/errors/rocketride-error.js';

describe('official SDK names on the client', () => {
  it('call() is dapRequest: the body on success, a coded error on failure', async () => {
    const s = await startTestSession({ pipeline: null });
    try {
      await expect(s.client.call('rrext_ping')).resolves.toEqual({ pong: true });
      const err = await s.client.call('rrext_nope').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RocketRideError);
      expect(err).toMatchObject({ code: 'ERR_REQUEST_FAILED', serverMessage: 'Invalid command: rrext_nope' });
    } finally {
      await s.close();
    }
  });

  it('await using disconnects the client when the scope ends', async () => {
    const s = await startTestSession({ pipeline: null });
    try {
      {
        await using client = s.client;
        expect(client.isConnected()).toBe(true);
      }
      expect(s.client.isConnected()).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.engine.connectionCount()).toBe(0);
    } finally {
      await s.close();
    }
  });
});
