// Mutation testing of streams's data path: `pnpm mutation` at the root (slow, not part of `pnpm test`),
// which runs Stryker once per group of mutation-groups.mjs. Scores are recorded in bench/MUTATION.md.
import { strykerConfig } from '../../scripts/stryker-base.mjs';
import { groups } from './mutation-groups.mjs';

export default strykerConfig(import.meta.url, groups);
