import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forwardedEnv, loadEnv, substituteEnv } from './env.js';

const dirs: string[] = [];
function tempDir(envText?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rr-env-'));
  dirs.push(dir);
  if (envText !== undefined) writeFileSync(join(dir, '.env'), envText);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('loadEnv (PROTOCOL.md §1.3)', () => {
  it('reads .env from the directory: comments, blank lines and quotes handled', () => {
    const dir = tempDir('# comment\n\nROCKETRIDE_URI="http://from-file:1"\nROCKETRIDE_APIKEY=\'k1\'\nROCKETRIDE_X=plain\n');
    const env = loadEnv(undefined, dir);
    expect(env.ROCKETRIDE_URI).toBe('http://from-file:1');
    expect(env.ROCKETRIDE_APIKEY).toBe('k1');
    expect(env.ROCKETRIDE_X).toBe('plain');
  });

  it('lets the process environment win over .env', () => {
    const dir = tempDir('ROCKETRIDE_URI=http://from-file:1\n');
    vi.stubEnv('ROCKETRIDE_URI', 'http://from-process:2');
    expect(loadEnv(undefined, dir).ROCKETRIDE_URI).toBe('http://from-process:2');
  });

  it('uses an explicit env as the only source', () => {
    const dir = tempDir('ROCKETRIDE_URI=http://from-file:1\n');
    vi.stubEnv('ROCKETRIDE_APIKEY', 'from-process');
    const env = loadEnv({ ROCKETRIDE_URI: 'x', UNSET: undefined }, dir);
    expect(env).toEqual({ ROCKETRIDE_URI: 'x' });
  });

  it('works without a .env file', () => {
    expect(loadEnv(undefined, tempDir()).ROCKETRIDE_URI).toBe(process.env.ROCKETRIDE_URI);
  });
});

describe('forwardedEnv and substituteEnv', () => {
  it('forwards every ROCKETRIDE_* variable except the API key', () => {
    expect(forwardedEnv({ ROCKETRIDE_APIKEY: 'secret', ROCKETRIDE_URI: 'u', ROCKETRIDE_X: '1', HOME: '/h' })).toEqual({
      ROCKETRIDE_URI: 'u',
      ROCKETRIDE_X: '1',
    });
  });

  it('replaces known ROCKETRIDE_ placeholders deep inside a pipeline and leaves others', () => {
    const out = substituteEnv(
      { a: '${ROCKETRIDE_X}/${ROCKETRIDE_Y}', b: ['${ROCKETRIDE_X}', 3, null], c: { d: '${OTHER}' } },
      { ROCKETRIDE_X: 'v' },
    );
    expect(out).toEqual({ a: 'v/${ROCKETRIDE_Y}', b: ['v', 3, null], c: { d: '${OTHER}' } });
  });
});
