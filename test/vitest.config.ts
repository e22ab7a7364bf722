import { mergeConfig } from 'vitest/config';
import { shared } from '../vitest.shared';

// Every *.test.ts here runs: conformance/, examples/, faults/ (the seeded fault suite) and soak/.
// --expose-gc: the soak test collects garbage before each heap sample, so it measures what is live.
export default mergeConfig(shared, {
  test: { poolOptions: { forks: { execArgv: ['--expose-gc'] } } },
});
