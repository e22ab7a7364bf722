import { mergeConfig } from 'vitest/config';
import { shared } from '../../../vitest.shared';

// Core's tests that need the engine simulator (@rocketride-streams/testing, a declared dependency
// here). They import core's modules by relative path, as its own unit tests in src/ do.
export default mergeConfig(shared, {});
