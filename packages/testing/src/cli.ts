import { parseArgs } from 'node:util';
import { startEngine } from './server.js';
import type { EngineProfile } from './types.js';

const USAGE = `Usage: rocketride-sim [--port 5565] [--host 127.0.0.1] [--apikey KEY] [--profile intended|head] [--ack-delay MS] [--write-jitter MS] [--store-dir DIR] [--scheduler] [--verbose]`;

async function main(): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    apikey?: string;
    profile?: string;
    'ack-delay'?: string;
    'write-jitter'?: string;
    'store-dir'?: string;
    scheduler?: boolean;
    verbose?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        apikey: { type: 'string' },
        profile: { type: 'string' },
        'ack-delay': { type: 'string' },
        'write-jitter': { type: 'string' },
        'store-dir': { type: 'string' },
        scheduler: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 5565 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid --port ${values.port}\n${USAGE}`);
    process.exit(2);
  }
  const profile = (values.profile ?? 'intended') as EngineProfile;
  if (profile !== 'intended' && profile !== 'head') {
    console.error(`Invalid --profile ${values.profile}\n${USAGE}`);
    process.exit(2);
  }
  const millis = (name: 'ack-delay' | 'write-jitter'): number => {
    const n = Number(values[name] ?? 0);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`Invalid --${name} ${values[name]}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const ackDelayMs = millis('ack-delay');
  const writeJitterMs = millis('write-jitter');
  const engine = await startEngine({
    ackDelayMs,
    writeJitterMs,
    host: values.host ?? '127.0.0.1',
    port,
    profile,
    record: false,
    ...(values.scheduler ? { scheduler: true } : {}),
    ...(values.apikey ? { apiKey: values.apikey } : {}),
    ...(values['store-dir'] ? { storeDir: values['store-dir'] } : {}),
    ...(values.verbose ? { log: (line: string) => console.error(line) } : {}),
  });
  console.log(`listening ${engine.uri}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    engine.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
