import { mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

// The scenarios start three simulator processes each and move hundreds of MiB: one file at a time,
// so that two of them never compete for the machine's cores.
export default mergeConfig(shared, { test: { fileParallelism: false } });
