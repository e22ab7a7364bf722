import { parseArgs } from 'node:util';
import { type DeploymentChanges, type DeploymentRecord, type RocketRide, validateProjectId, validateSchedule } from 'rocketride-streams';
import { type Context, EXIT_OK, UsageError } from '../context.js';
import { ENGINE_OPTIONS } from '../engine.js';
import { exactly, readPipelineFile, signalOf, withEngine, writeJson } from './tool-args.js';

const DEPLOY_OPTIONS = {
  ...ENGINE_OPTIONS,
  schedule: { type: 'string' },
  pipeline: { type: 'string' },
  json: { type: 'boolean' },
} as const;

interface DeployArgs {
  values: { schedule?: string | undefined; pipeline?: string | undefined; json?: boolean | undefined };
  positionals: string[];
}

/** A subcommand: `prepare` checks everything before connecting and returns what `run` does once connected. */
interface Sub {
  usage: string;
  prepare(args: DeployArgs): Promise<(ctx: Context, rr: RocketRide) => Promise<void>>;
}

/** `2024-05-01 12:00:00` in UTC from epoch seconds. */
const utc = (seconds: unknown): string =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ') : '-';

/** One line per deployment: `project  schedule  state  updated (UTC)`. */
export function deploymentLine(r: DeploymentRecord): string {
  return `${r.pipeline.project_id}\t${r.schedule}\t${r.state}\t${utc(r.updated_at)}`;
}

function printRecord(ctx: Context, json: boolean | undefined, record: DeploymentRecord): void {
  if (json) writeJson(ctx.stdout, record, true);
  else ctx.stdout.write(`${deploymentLine(record)}\n`);
}

const SUBCOMMANDS: Record<string, Sub> = {
  add: {
    usage: 'deploy add <pipeline.json> [--schedule S] [--json]',
    async prepare({ values, positionals }) {
      const [file] = exactly(positionals, 1, this.usage);
      const pipeline = await readPipelineFile(file!);
      validateProjectId(pipeline.project_id, 'pipeline.project_id');
      if (values.schedule !== undefined) validateSchedule(values.schedule);
      return async (ctx, rr) => printRecord(ctx, values.json, await rr.deploy.add(pipeline, values.schedule, signalOf(ctx)));
    },
  },
  ls: {
    usage: 'deploy ls [--json]',
    async prepare({ values, positionals }) {
      exactly(positionals, 0, this.usage);
      return async (ctx, rr) => {
        const list = (await rr.deploy.list(signalOf(ctx))).sort((a, b) => String(a.pipeline.project_id).localeCompare(String(b.pipeline.project_id)));
        if (values.json) writeJson(ctx.stdout, list, true);
        else ctx.stdout.write(list.map((r) => `${deploymentLine(r)}\n`).join(''));
      };
    },
  },
  status: {
    usage: 'deploy status <projectId> [--json]',
    async prepare({ values, positionals }) {
      const [projectId] = exactly(positionals, 1, this.usage);
      validateProjectId(projectId);
      return async (ctx, rr) => printRecord(ctx, values.json, await rr.deploy.status(projectId, signalOf(ctx)));
    },
  },
  update: {
    usage: 'deploy update <projectId> [--pipeline <file.json>] [--schedule S] [--json]',
    async prepare({ values, positionals }) {
      const [projectId] = exactly(positionals, 1, this.usage);
      validateProjectId(projectId);
      if (values.pipeline === undefined && values.schedule === undefined) throw new UsageError('deploy update: give --pipeline <file.json>, --schedule S, or both');
      if (values.schedule !== undefined) validateSchedule(values.schedule);
      const changes: DeploymentChanges = {
        ...(values.pipeline !== undefined ? { pipeline: await readPipelineFile(values.pipeline) } : {}),
        ...(values.schedule !== undefined ? { schedule: values.schedule } : {}),
      };
      return async (ctx, rr) => {
        await rr.deploy.update(projectId, changes, signalOf(ctx));
        if (values.json) writeJson(ctx.stdout, { projectId, updated: true });
        else ctx.stdout.write(`updated ${projectId}\n`);
      };
    },
  },
  rm: {
    usage: 'deploy rm <projectId> [--json]',
    async prepare({ values, positionals }) {
      const [projectId] = exactly(positionals, 1, this.usage);
      validateProjectId(projectId);
      return async (ctx, rr) => {
        await rr.deploy.remove(projectId, signalOf(ctx));
        if (values.json) writeJson(ctx.stdout, { projectId, removed: true });
        else ctx.stdout.write(`removed ${projectId}\n`);
      };
    },
  },
};

/** Options that only some subcommands take. */
const ONLY: Record<string, readonly string[]> = { schedule: ['add', 'update'], pipeline: ['update'] };

/** `deploy <add|ls|status|update|rm> …`: the engine's deployments (`client.deploy`), checked as the client checks them. */
export async function deployCommand(ctx: Context, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const sub = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!sub) throw new UsageError(name === undefined || name.startsWith('-') ? 'deploy: name a subcommand (add, ls, status, update, rm)' : `deploy: unknown subcommand ${name}`);
  const { values, positionals } = parseArgs({ args: rest, options: DEPLOY_OPTIONS, allowPositionals: true, strict: true });
  for (const [option, subs] of Object.entries(ONLY)) {
    if ((values as Record<string, unknown>)[option] !== undefined && !subs.includes(name!)) throw new UsageError(`deploy ${name}: --${option} is not an option of this subcommand`);
  }
  const work = await sub.prepare({ values, positionals });
  return withEngine(ctx, values, async (rr) => {
    await work(ctx, rr);
    return EXIT_OK;
  });
}
