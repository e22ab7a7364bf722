import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** One mutation target: the modules mutated and the tests run against them. */
export interface MutationGroup {
  mutate: string[];
  include: string[];
}

/** The group `scripts/mutation.mjs` selected through MUTATION_GROUP (every process of a run inherits it). */
export function selectedGroup(groups: Record<string, MutationGroup>): MutationGroup {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: set by scripts/mutation.mjs, which turbo never runs
  const name = process.env.MUTATION_GROUP ?? '';
  const group = groups[name];
  if (group === undefined) throw new Error(`MUTATION_GROUP must be one of ${Object.keys(groups).join(', ')}; got "${name}"`);
  return group;
}

/**
 * Vitest settings for `pnpm mutation` (StrykerJS). Stryker runs each package's tests with the working
 * directory set to a sandbox copy of that package (`packages/X/.stryker-tmp/sandbox-*`), loading this
 * config from the real tree (its stryker.config.mjs passes an absolute path). So the package under test
 * resolves to the working directory's (mutated) sources, and the other workspace packages to the real
 * tree. `include` lists only the tests written for the mutated modules, so a run takes minutes.
 */
export function mutationConfig(options: { packageName: string; include: string[] }) {
  const packageDir = process.cwd();
  const names = ['core', 'testing', 'streams', 'rx', 'nest', 'express', 'cli'];
  const source = (name: string, file: string) =>
    name === options.packageName ? join(packageDir, 'src', file) : join(root, 'packages', name, 'src', file);
  const alias = names.map((name) => ({ find: new RegExp(`^@rocketride-streams/${name}$`), replacement: source(name, 'index.ts') }));
  // streams takes PipeChannel and helpers from core/internal: without this alias they would come from
  // core's dist/, a second copy of core beside the sources (other error classes, other data hosts).
  alias.push({ find: /^@rocketride-streams\/core\/internal$/, replacement: source('core', 'internal.ts') });
  return defineConfig({
    resolve: { alias },
    test: {
      include: options.include,
      testTimeout: 20_000,
      hookTimeout: 20_000,
      pool: 'forks',
      restoreMocks: true,
    },
  });
}
