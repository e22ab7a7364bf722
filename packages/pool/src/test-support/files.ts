import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

/** `count` files of random bytes, `min`–`max` bytes each, in a new temporary directory; `remove()` deletes it. */
export function makeFiles(count: number, min: number, max: number): { dir: string; files: TestFile[]; remove(): void } {
  const dir = mkdtempSync(join(process.env.POOL_TEST_DIR ?? tmpdir(), 'pool-files-'));
  const files = Array.from({ length: count }, (_, i) => {
    const size = randomInt(min, max + 1);
    const data = randomBytes(size);
    const name = `file-${String(i).padStart(4, '0')}.bin`;
    const path = join(dir, name);
    writeFileSync(path, data);
    return { path, name, size, sha256: createHash('sha256').update(data).digest('hex') };
  });
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let batch: { dir: string; files: TestFile[]; remove(): void } | undefined;

/**
 * The batch, 200 files of 256 KiB–1 MiB, made once per test process and shared by the scenarios that use
 * it (the suite runs its files in one worker); under the suite's directory, which its global setup removes.
 */
export function sharedBatch(): TestFile[] {
  if (batch === undefined) {
    batch = makeFiles(200, 256 * 1024, 1024 * 1024);
  }
  return batch.files;
}
