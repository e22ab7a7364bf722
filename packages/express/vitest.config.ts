import { mergeConfig } from 'vitest/config';
import { shared } from '../../vitest.shared';

// --expose-gc: the memory test collects garbage before each sample, so it measures what is live.
export default mergeConfig(shared, {
  test: { poolOptions: { forks: { execArgv: ['--expose-gc'] } } },
});
