#!/usr/bin/env node
// Runs turbo with NODE_VERSION set to this Node's version. turbo.json lists NODE_VERSION in
// globalEnv, so every task's cache key includes the Node version: a run on another Node rebuilds,
// retypechecks and retests instead of replaying what an earlier Node produced. The tasks run on the
// same Node as this script (pnpm, which turbo starts, takes `node` from the same PATH).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const turbo = createRequire(import.meta.url).resolve('turbo/bin/turbo');
const env = { ...process.env, NODE_VERSION: process.version };
const result = spawnSync(process.execPath, [turbo, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
