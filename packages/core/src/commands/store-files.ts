/**
 * Templates and logs: the official SDKs' conventions over ordinary store files; the engine has
 * no command for either. A template is `.templates/<templateId>.json` (the pipeline as JSON indented by 2); a log is
 * `.logs/<projectId>/<source>-<contents.body.startTime>.log` (the log object as JSON). Saves are atomic here.
 */
import type { CallOptions } from '../config/options.js';
import { ValidationError } from '../errors/validation-error.js';
import { checkCallOptions, readArgument } from '../config/validate.js';
import type { StoreHost } from './host.js';
import { fsDelete, fsListDir } from './store.js';
import { requireStoreId } from './store-paths.js';
import { fsReadJson, fsWriteJson } from './store-text.js';

/** A template as `getAllTemplates()` lists it (the TS SDK's shape). */
export interface TemplateSummary {
  id: string;
  /** The id (the TS SDK does not read the pipeline's name). */
  name: string;
  /** The pipeline's source components: `{ id, provider, name }`. */
  sources: Array<{ id: unknown; provider: unknown; name: unknown }>;
  totalComponents: number;
}

/** A log as `listLogs()` lists it. */
export interface LogSummary {
  name: string;
  modified?: number;
}

const templatePath = (id: string): string => `.templates/${id}.json`;

function requireObjectArg(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${name} must be an object`, { code: 'ERR_INVALID_ARGUMENT' });
  }
}

/** The options argument, checked and copied once: a getter or Proxy trap that throws is refused (coded), not re-run later. */
function optionsArg<T>(value: T): T {
  requireObjectArg(value, 'options');
  return readArgument('options', () => ({ ...value }));
}

/** Saves a pipeline as a template (overwrites one with the same id). */
export async function saveTemplate(
  client: StoreHost,
  options: { templateId: string; pipeline: Record<string, unknown> } & CallOptions,
): Promise<void> {
  options = optionsArg(options);
  requireStoreId(options.templateId, 'templateId');
  requireObjectArg(options.pipeline, 'pipeline');
  await fsWriteJson(client, templatePath(options.templateId), options.pipeline, { signal: options.signal });
}

/** A saved template's pipeline. @throws StoreError `ERR_STORE_NOT_FOUND` when there is none. */
export async function getTemplate(client: StoreHost, options: { templateId: string } & CallOptions): Promise<Record<string, unknown>> {
  options = optionsArg(options);
  requireStoreId(options.templateId, 'templateId');
  return fsReadJson<Record<string, unknown>>(client, templatePath(options.templateId), { signal: options.signal });
}

/** Deletes a template. @throws StoreError `ERR_STORE_NOT_FOUND` when there is none. */
export async function deleteTemplate(client: StoreHost, options: { templateId: string } & CallOptions): Promise<void> {
  options = optionsArg(options);
  requireStoreId(options.templateId, 'templateId');
  await fsDelete(client, templatePath(options.templateId), { signal: options.signal });
}

/** Every template, in listing order; files that cannot be read or parsed are skipped (as in the SDKs). */
export async function getAllTemplates(client: StoreHost, options?: CallOptions): Promise<TemplateSummary[]> {
  checkCallOptions(options, 'getAllTemplates()');
  const signal = options?.signal;
  const listing = await fsListDir(client, '.templates', { signal });
  const out: TemplateSummary[] = [];
  for (const entry of listing.entries) {
    if (entry.type !== 'file' || !entry.name.endsWith('.json')) continue;
    let pipeline: { components?: unknown };
    try {
      pipeline = await fsReadJson(client, `.templates/${entry.name}`, { signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      continue;
    }
    const components = Array.isArray(pipeline?.components) ? (pipeline.components as Array<Record<string, unknown>>) : [];
    const sources = components
      .filter((c) => (c?.config as { mode?: unknown } | undefined)?.mode === 'Source')
      .map((c) => ({ id: c.id, provider: c.provider, name: (c.config as { name?: unknown }).name || c.id }));
    const id = entry.name.slice(0, -'.json'.length);
    out.push({ id, name: id, sources, totalComponents: components.length });
  }
  return out;
}

/** Saves a log; resolves with its file name `<source>-<startTime>.log`. */
export async function saveLog(
  client: StoreHost,
  options: { projectId: string; source: string; contents: Record<string, unknown> } & CallOptions,
): Promise<string> {
  options = optionsArg(options);
  requireStoreId(options.projectId, 'projectId');
  requireStoreId(options.source, 'source');
  requireObjectArg(options.contents, 'contents');
  const contents = options.contents;
  const startTime = readArgument('contents', () => (contents.body as { startTime?: unknown } | undefined)?.startTime);
  if (typeof startTime !== 'number' && typeof startTime !== 'string') {
    throw new ValidationError('contents.body.startTime is required (a number or a string)', { code: 'ERR_INVALID_ARGUMENT' });
  }
  requireStoreId(String(startTime), 'contents.body.startTime');
  const name = `${options.source}-${String(startTime)}.log`;
  await fsWriteJson(client, `.logs/${options.projectId}/${name}`, options.contents, { signal: options.signal });
  return name;
}

function logPath(options: { projectId: string; name: string }): string {
  requireStoreId(options.projectId, 'projectId');
  requireStoreId(options.name, 'name');
  return `.logs/${options.projectId}/${options.name}`;
}

/** A saved log. @throws StoreError `ERR_STORE_NOT_FOUND` when there is none. */
export async function getLog(client: StoreHost, options: { projectId: string; name: string } & CallOptions): Promise<Record<string, unknown>> {
  const o = optionsArg(options);
  return fsReadJson<Record<string, unknown>>(client, logPath(o), { signal: o.signal });
}

/** Deletes a log. @throws StoreError `ERR_STORE_NOT_FOUND` when there is none. */
export async function deleteLog(client: StoreHost, options: { projectId: string; name: string } & CallOptions): Promise<void> {
  const o = optionsArg(options);
  await fsDelete(client, logPath(o), { signal: o.signal });
}

/** A project's logs (only `<source>-…` ones when `source` is given), oldest first by `modified`. */
export async function listLogs(client: StoreHost, options: { projectId: string; source?: string } & CallOptions): Promise<LogSummary[]> {
  options = optionsArg(options);
  requireStoreId(options.projectId, 'projectId');
  if (options.source !== undefined) requireStoreId(options.source, 'source');
  const listing = await fsListDir(client, `.logs/${options.projectId}`, { signal: options.signal });
  const logs: LogSummary[] = [];
  for (const e of listing.entries) {
    if (e.type !== 'file' || !e.name.endsWith('.log')) continue;
    if (options.source !== undefined && !e.name.startsWith(`${options.source}-`)) continue;
    logs.push(e.modified === undefined ? { name: e.name } : { name: e.name, modified: e.modified });
  }
  return logs.sort((a, b) => (a.modified ?? 0) - (b.modified ?? 0));
}
