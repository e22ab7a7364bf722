import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary directory for the suite's test files, removed when the run ends (the worker that writes
 * them is stopped without running exit hooks, so it cannot clean up after itself).
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'pool-suite-'));
  process.env.POOL_TEST_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
