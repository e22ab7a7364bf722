import { mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

// The scenarios start three simulator processes each and move hundreds of MiB: one file at a time, so
// that two never compete for the machine's cores, in one worker that keeps the transformed sources
// between files (each file closes its own engines, pools and processes).
export default mergeConfig(shared, {
  test: { fileParallelism: false, isolate: false, poolOptions: { forks: { singleFork: true } }, globalSetup: ['./src/test-support/global-setup.ts'] },
});
