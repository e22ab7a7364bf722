import { configDefaults, mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

// test/ is a package of its own (@rocketride-streams/core-test): the tests there need the simulator,
// which depends on core, so core itself never imports it.
export default mergeConfig(shared, {
  test: { exclude: [...configDefaults.exclude, '**/.stryker-tmp/**', 'test/**'] },
});
