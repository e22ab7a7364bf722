import { parseArgs } from 'node:util';
import { type EngineProfile, startEngine } from '@rocketride-streams/testing';
import { type Context, EXIT_OK, UsageError, untilAborted } from '../context.js';

/** `sim [--port] [--host] [--apikey] [--profile] [--verbose]`: the simulator, as `rocketride-sim` runs it. */
export async function simCommand(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, apikey: { type: 'string' }, profile: { type: 'string' }, verbose: { type: 'boolean' } },
    strict: true,
  });
  const port = values.port === undefined ? 5565 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`sim: invalid --port ${values.port}`);
  const profile = (values.profile ?? 'intended') as EngineProfile;
  if (profile !== 'intended' && profile !== 'head') throw new UsageError(`sim: --profile must be intended or head, got ${values.profile}`);
  const engine = await startEngine({
    host: values.host ?? '127.0.0.1',
    port,
    profile,
    record: false,
    ...(values.apikey ? { apiKey: values.apikey } : {}),
    ...(values.verbose ? { log: (line: string) => ctx.stderr.write(`${line}\n`) } : {}),
  });
  try {
    ctx.stdout.write(`listening ${engine.uri}\n`);
    await untilAborted(ctx.signal);
  } finally {
    await engine.close();
  }
  return EXIT_OK;
}
