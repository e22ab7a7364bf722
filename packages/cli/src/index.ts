export { run } from './run.js';
export { USAGE } from './usage.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Output, type RunOptions } from './context.js';
export { VERSION } from './version.js';
