import { expect } from 'vitest';
import type { Profile } from './env.js';
import type { Msg } from './raw-client.js';

/**
 * A data-plane failure raised inside the engine subprocess (PROTOCOL.md §5.5): `success:false` with
 * `message` under the `intended` profile, `success:true` with no `body` under `head` (the HEAD⚠ cases).
 * Pass `message` undefined when the spec names no exact text.
 */
export function expectSubprocessError(res: Msg, profile: Profile, message?: string): void {
  if (profile === 'intended') {
    expect(res.success, JSON.stringify(res)).toBe(false);
    if (message !== undefined) expect(res.message).toBe(message);
    else expect(typeof res.message).toBe('string');
  } else {
    expect(res.success, JSON.stringify(res)).toBe(true);
    expect(res, 'HEAD swallows the error: no body').not.toHaveProperty('body');
  }
}

/** A successful write: `success:true`, no body (§5.5). */
export function expectWriteOk(res: Msg): void {
  expect(res).toMatchObject({ command: 'rrext_process', success: true });
  expect(res).not.toHaveProperty('body');
}
