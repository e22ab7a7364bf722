import { connect, ENV_APIKEY, ENV_URI, type RocketRide } from 'rocketride-streams';
import { type Context, UsageError } from './context.js';

/** The engine options every client command takes. */
export const ENGINE_OPTIONS = {
  uri: { type: 'string' },
  apikey: { type: 'string' },
} as const;

export interface EngineArgs {
  uri?: string | undefined;
  apikey?: string | undefined;
}

/**
 * Connects to the engine named by `--uri` / `--apikey`, else `ROCKETRIDE_URI` / `ROCKETRIDE_APIKEY`.
 * With no engine named, `embedded` starts the simulator in this process (and says so on stderr);
 * otherwise that is a usage error.
 */
export async function connectEngine(ctx: Context, args: EngineArgs, embedded: boolean): Promise<RocketRide> {
  const uri = args.uri?.trim() || ctx.env[ENV_URI]?.trim() || undefined;
  const auth = args.apikey ?? ctx.env[ENV_APIKEY];
  const common = { env: ctx.env, clientName: 'rocketride-streams-cli', ...(auth ? { auth } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  if (uri === undefined) {
    if (!embedded) throw new UsageError(`No engine: give --uri or set ${ENV_URI}`);
    ctx.stderr.write(`rocketride-streams: no engine configured (--uri or ${ENV_URI}); using the embedded simulator\n`);
    return connect({ ...common, embedded: true });
  }
  return connect({ ...common, uri });
}
