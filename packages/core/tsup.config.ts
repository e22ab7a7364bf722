import { library } from '../../tsup.shared';

// Two entries: the public API, and `@rocketride-streams/core/internal` for the sibling packages (not a public API).
export default library({ entry: ['src/index.ts', 'src/internal.ts'] });
