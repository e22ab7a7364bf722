// Mutation testing of core's data path: `pnpm mutation` at the root (slow, not part of `pnpm test`),
// which runs Stryker once per group of mutation-groups.mjs. Scores are recorded in bench/MUTATION.md.
import { strykerConfig } from '../../scripts/stryker-base.mjs';
import { groups } from './mutation-groups.mjs';

// test/tsconfig.json extends the root's by a relative path that does not resolve from the sandbox
// (Stryker rewrites only the package's own tsconfig.json); left out, the tests there use that one.
export default { ...strykerConfig(import.meta.url, groups), ignorePatterns: ['test/tsconfig.json'] };
