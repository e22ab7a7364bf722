#!/usr/bin/env node
import { run } from './run.js';

// First SIGINT/SIGTERM: stop gracefully (events and sim end with 0, an upload is aborted). Second: exit now.
const controller = new AbortController();
let signals = 0;
const onSignal = (): void => {
  if (++signals > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // A closed pipe (`… | head`) ends the command quietly.
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

run(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
  // Anything left open (a keep-alive socket…) must not hold the process.
  setTimeout(() => process.exit(code), 2000).unref();
});
