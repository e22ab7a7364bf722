import { startTestSession } from '@rocketride-streams/testing';
import { describe, expect, it } from 'vitest';
import { events$ } from './events.js';

describe('events$ and logout()', () => {
  it('completes (no error) when the client logs out on request, and the engine subscription goes with the session', async () => {
    const s = await startTestSession({ client: { persist: true } });
    try {
      let completed = false;
      let failed: unknown;
      const got: string[] = [];
      events$(s.client, { token: s.token, types: ['SUMMARY'] }, { graceMs: 0 }).subscribe({
        next: (e) => got.push(e.event),
        error: (e) => {
          failed = e;
        },
        complete: () => {
          completed = true;
        },
      });
      for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(got).toContain('apaevt_status_update');
      await s.client.logout();
      await new Promise((r) => setTimeout(r, 20));
      expect(failed).toBeUndefined();
      expect(completed).toBe(true);
    } finally {
      await s.close();
    }
  });
});
