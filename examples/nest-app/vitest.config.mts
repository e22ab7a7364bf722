import { mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

// The tests run the application as it ships: compiled by tsc to CommonJS (dist/), loaded with require.
export default mergeConfig(shared, {
  test: { include: ['test/**/*.test.mts'], globalSetup: ['./test/build.global.mts'] },
});
