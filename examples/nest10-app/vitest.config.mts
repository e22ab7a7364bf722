import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Nest 10 for everything these tests load, including the sources of @rocketride-streams/nest, whose
// own imports of @nestjs/* would otherwise resolve to that package's Nest 11 dev dependencies. The
// aliased paths are real packages, loaded by Node, so Nest's own cross-imports stay within Nest 10.
export default mergeConfig(shared, {
  resolve: {
    alias: [
      { find: '@nestjs/common', replacement: here('./node_modules/@nestjs/common') },
      { find: '@nestjs/core', replacement: here('./node_modules/@nestjs/core') },
      { find: '@nestjs/platform-express', replacement: here('./node_modules/@nestjs/platform-express') },
    ],
  },
  test: {
    // The module's own suite, run here against Nest 10 (packages/nest runs it against Nest 11).
    dir: here('../..'),
    include: ['examples/nest10-app/test/**/*.test.ts', 'packages/nest/src/**/*.test.ts'],
  },
});
