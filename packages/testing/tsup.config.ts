import { bin, library } from '../../tsup.shared';

// The simulator library, and the `rocketride-sim` bin (src/cli.ts has no shebang: the banner adds it).
export default [library(), bin({ cli: 'src/cli.ts' }, { banner: { js: '#!/usr/bin/env node' } })];
